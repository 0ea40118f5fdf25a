/** base64url, base64 and hex encoding, on Node (Buffer). Other runtimes get ./base64url.web.ts. */

/** base64url without padding of UTF-8 text or bytes. */
export function encodeBase64url(data: string | Uint8Array): string {
  return bufferOf(data).toString('base64url');
}

/** Padded base64 of UTF-8 text (HTTP Basic credentials) or bytes (IAM signBlob payloads). */
export function encodeBase64(data: string | Uint8Array): string {
  return bufferOf(data).toString('base64');
}

/** The bytes of (padded) base64 text; a Buffer on Node. */
export function decodeBase64(text: string): Uint8Array {
  return Buffer.from(text, 'base64');
}

/** Lower-case hex of bytes (SigV4 and V4 signed-URL signatures). */
export function encodeHex(bytes: Uint8Array): string {
  return bufferOf(bytes).toString('hex');
}

/** UTF-8 text, or a view of the same bytes without copying them. */
function bufferOf(data: string | Uint8Array): Buffer {
  return typeof data === 'string'
    ? Buffer.from(data)
    : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
