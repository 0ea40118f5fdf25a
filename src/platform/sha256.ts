/** SHA-256, on Node. Other runtimes get ./sha256.web.ts. */
import { nodeCrypto } from './node-builtins.js';

/** base64url(SHA-256(ASCII text)): the PKCE S256 code challenge. */
export function sha256Base64url(text: string): string {
  return nodeCrypto().createHash('sha256').update(text, 'ascii').digest('base64url');
}

/** Lower-case hex of SHA-256(UTF-8 text). */
export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}

/** HMAC-SHA256 (RFC 2104) of UTF-8 text under `key`. */
export function hmacSha256(key: Uint8Array, text: string): Uint8Array {
  return nodeCrypto().createHmac('sha256', key).update(text).digest();
}
