import { MAX_RESPONSE_BYTES, responseTooLarge, transportError } from './send.js';
import type { HttpRequest, HttpResponse } from './types.js';

/**
 * Sends one request through a `fetch` (the user's own, or the runtime's where there is no
 * node:http) and reads the whole body, bounded by `timeoutMs`. No node: imports here: edge
 * builds load this file alone.
 */
export async function sendWithFetch(
  request: HttpRequest,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  fetchImpl: typeof fetch,
): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: combined,
      redirect: 'manual',
    });
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw responseTooLarge(request.url);
    }
    const body = await response.text();
    if (body.length > MAX_RESPONSE_BYTES) throw responseTooLarge(request.url);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    throw transportError(error, request.url, {
      aborted: signal?.aborted === true,
      timedOut: timeout.aborted,
      timeoutMs,
    });
  }
}
