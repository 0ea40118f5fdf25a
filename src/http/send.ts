import { AbortedError, NetworkError, TimeoutError } from '../errors.js';
import { sendMutualTls } from './send-mtls.js';
import type { HttpRequest, HttpResponse } from './types.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Sends one request and reads the whole body, bounded by `timeoutMs`. Failures become
 * {@link NetworkError}, {@link TimeoutError} or {@link AbortedError}; the original error is kept as
 * `cause` only as its code and message, which never include the request body.
 */
export async function sendRequest(
  request: HttpRequest,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    if (request.clientCertificate) return await sendMutualTls(request, combined);
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: combined,
      redirect: 'manual',
    });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal?.aborted)
      throw new AbortedError(`request to ${describeUrl(request.url)} was aborted`);
    if (timeout.aborted) {
      throw new TimeoutError(
        `request to ${describeUrl(request.url)} took longer than ${timeoutMs} ms`,
        timeoutMs,
      );
    }
    throw new NetworkError(
      `request to ${describeUrl(request.url)} failed: ${networkReason(error)}`,
      describeUrl(request.url),
      safeCause(error),
    );
  }
}

/** The URL without its query string, which may carry a code or token. */
export function describeUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function rootCause(error: unknown): { code?: string; message?: string } {
  let e = error as { code?: string; message?: string; cause?: unknown } | undefined;
  while (e && typeof e === 'object' && e.cause && typeof e.cause === 'object') {
    e = e.cause as typeof e;
  }
  return e ?? {};
}

function networkReason(error: unknown): string {
  const root = rootCause(error);
  return root.code ?? root.message ?? 'connection error';
}

function safeCause(error: unknown): Error {
  const root = rootCause(error);
  const cause = new Error(root.code ?? 'connection error');
  if (root.code) (cause as Error & { code?: string }).code = root.code;
  return cause;
}
