import {
  AbortedError,
  InvalidOptionsError,
  NetworkError,
  TimeoutError,
  type AuthError,
} from '../errors.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Larger answers are refused before parsing: every body warrant reads is a few kilobytes. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * The URL without its query string, which may carry a code or token, and without user info
 * (`user:password@`). An `@` later in the path (IAM's `serviceAccounts/name@project…`) stays.
 */
export function describeUrl(url: string): string {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const start = base.indexOf('//');
  if (start === -1) return base;
  const slash = base.indexOf('/', start + 2);
  const at = base.lastIndexOf('@', slash === -1 ? base.length : slash);
  return at < start ? base : `${base.slice(0, start + 2)}${base.slice(at + 1)}`;
}

/**
 * Refuses what no wire can send to (a relative or malformed URL, another scheme) with a
 * definitive `ERR_INVALID_OPTIONS` naming `name`, before any connection and never retried.
 */
export function checkHttpUrl(url: unknown, name: string): void {
  const protocol = typeof url === 'string' ? protocolOf(url) : undefined;
  if (protocol !== 'https:' && protocol !== 'http:') {
    const shown =
      typeof url === 'string' ? JSON.stringify(describeUrl(url).slice(0, 100)) : typeof url;
    throw new InvalidOptionsError(
      `${name} ${shown} is not an absolute http(s) URL (give the full https:// address)`,
    );
  }
}

function protocolOf(url: string): string | undefined {
  try {
    return new URL(url).protocol;
  } catch {
    return undefined;
  }
}

/** Why an attempt ended early, as each wire observes it. */
export interface Interruption {
  aborted: boolean;
  timedOut: boolean;
  timeoutMs: number;
}

/**
 * Turns a wire's failure into {@link AbortedError}, {@link TimeoutError} or {@link NetworkError}.
 * The original error is kept as `cause` only as its code, which never includes the request body.
 */
export function transportError(error: unknown, url: string, why: Interruption): AuthError {
  const where = describeUrl(url);
  if (why.aborted) return new AbortedError(`request to ${where} was aborted`);
  if (why.timedOut) {
    return new TimeoutError(
      `request to ${where} took longer than ${why.timeoutMs} ms`,
      why.timeoutMs,
    );
  }
  if (error instanceof NetworkError) return error;
  const root = rootCause(error);
  const cause = new Error(root.code ?? 'connection error');
  if (root.code) (cause as Error & { code?: string }).code = root.code;
  return new NetworkError(
    `request to ${where} failed: ${root.code ?? root.message ?? 'connection error'}`,
    where,
    cause,
  );
}

/** A response that outgrew {@link MAX_RESPONSE_BYTES}. */
export function responseTooLarge(url: string): NetworkError {
  return new NetworkError(
    `response from ${describeUrl(url)} is larger than ${MAX_RESPONSE_BYTES} bytes (check the URL)`,
    describeUrl(url),
  );
}

function rootCause(error: unknown): { code?: string; message?: string } {
  let e = error as { code?: string; message?: string; cause?: unknown } | undefined;
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object') {
    e = e.cause as typeof e;
  }
  return e ?? {};
}
