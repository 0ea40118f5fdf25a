import { AbortedError, AuthError } from '../errors.js';
import type { RetryPolicy } from './types.js';

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 100,
  maxDelayMs: 2_000,
  maxRetryAfterMs: 30_000,
};

/**
 * Runs `attempt` until it succeeds, throws a non-retryable error, or the policy is spent.
 * Backoff is exponential with jitter (half to full delay); an error carrying a Retry-After is waited for exactly, unless it asks for longer than `maxRetryAfterMs`.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  policy: Partial<RetryPolicy> = {},
  signal?: AbortSignal,
): Promise<T> {
  const p = { ...DEFAULT_RETRY, ...policy };
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof AuthError) || !error.retryable || n >= p.maxAttempts) throw error;
      const delay = retryDelay(error, n, p);
      if (delay === undefined) throw error;
      await sleep(delay, signal);
    }
  }
}

function retryDelay(error: AuthError, attempt: number, p: RetryPolicy): number | undefined {
  const retryAfterSec = (error as { retryAfterSec?: number }).retryAfterSec;
  if (retryAfterSec !== undefined) {
    const ms = retryAfterSec * 1000;
    return ms > p.maxRetryAfterMs ? undefined : ms;
  }
  const ceiling = Math.min(p.maxDelayMs, p.initialDelayMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Resolves after `ms`, or rejects with {@link AbortedError} when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds from a Retry-After header (delta-seconds or HTTP-date), if present and sane. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
