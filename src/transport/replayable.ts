/**
 * Whether a request body can be sent a second time. Streams are consumed by the first attempt,
 * so a request carrying one is never replayed after a 401.
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string' || body instanceof URLSearchParams || body instanceof ArrayBuffer) {
    return true;
  }
  if (ArrayBuffer.isView(body)) return true;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return true;
  if (typeof FormData !== 'undefined' && body instanceof FormData) return true;
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return false;
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return false;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return false;
  // Plain objects and arrays are serialized as JSON on every attempt.
  return true;
}
