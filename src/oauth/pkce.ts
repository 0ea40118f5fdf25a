import { createHash, randomBytes } from 'node:crypto';

/**
 * A PKCE code verifier (RFC 7636 §4.1): 64 random bytes as base64url, 86 characters from the
 * unreserved set, well inside the 43–128 the RFC allows.
 */
export function createCodeVerifier(): string {
  return randomBytes(64).toString('base64url');
}

/** The S256 code challenge for `verifier`: base64url(SHA-256(verifier)). */
export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state` value binding an authorization response to its request. */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}
