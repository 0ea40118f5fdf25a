/** SHA-256, on Node. Other runtimes get ./sha256.web.ts. */
import { createHash } from 'node:crypto';

/** base64url(SHA-256(ASCII text)): the PKCE S256 code challenge. */
export function sha256Base64url(text: string): string {
  return createHash('sha256').update(text, 'ascii').digest('base64url');
}
