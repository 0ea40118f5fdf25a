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
    const body = await boundedText(response, request.url);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    throw transportError(error, request.url, {
      aborted: signal?.aborted === true,
      timedOut: timeout.aborted,
      timeoutMs,
    });
  }
}

/**
 * The body as UTF-8 text, read chunk by chunk and cancelled once it outgrows
 * {@link MAX_RESPONSE_BYTES}: a body without Content-Length may be endless.
 */
async function boundedText(response: Response, url: string): Promise<string> {
  if (!response.body) return response.text();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      // Not awaited: cancelling closes the connection, and nothing more is wanted from it.
      reader.cancel().catch(() => undefined);
      throw responseTooLarge(url);
    }
    text += decoder.decode(value, { stream: true });
  }
}
