/** base64url and base64 encoding, on Node (Buffer). Other runtimes get ./base64url.web.ts. */

/** base64url without padding of UTF-8 text or bytes. */
export function encodeBase64url(data: string | Uint8Array): string {
  return (
    typeof data === 'string'
      ? Buffer.from(data)
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  ).toString('base64url');
}

/** Padded base64 of UTF-8 text (HTTP Basic credentials). */
export function encodeBase64(text: string): string {
  return Buffer.from(text).toString('base64');
}
