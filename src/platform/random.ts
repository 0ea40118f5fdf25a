/** Random values, on Node. Other runtimes get ./random.web.ts (crypto.getRandomValues). */
import { randomBytes, randomUUID } from 'node:crypto';

/** `bytes` random bytes as base64url: state, nonce and PKCE verifier values. */
export function randomBase64url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random UUID (v4): the `jti` of a client assertion. */
export function randomId(): string {
  return randomUUID();
}
