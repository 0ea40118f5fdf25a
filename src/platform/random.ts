/** Random values, on Node. Other runtimes get ./random.web.ts (crypto.getRandomValues). */
import { nodeCrypto } from './node-builtins.js';

/** `bytes` random bytes as base64url: state, nonce and PKCE verifier values. */
export function randomBase64url(bytes: number): string {
  return nodeCrypto().randomBytes(bytes).toString('base64url');
}

/** A random UUID (v4): the `jti` of a client assertion. */
export function randomId(): string {
  return nodeCrypto().randomUUID();
}
