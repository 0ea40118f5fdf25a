import { InvalidOptionsError } from '../errors.js';
import { randomBase64url } from '../platform/random.js';
import { sha256Base64url } from '../platform/sha256.js';

/**
 * A PKCE code verifier (RFC 7636 §4.1): 64 random bytes as base64url, 86 characters from the
 * unreserved set, well inside the 43–128 the RFC allows.
 */
export function createCodeVerifier(): string {
  return randomBase64url(64);
}

/** The S256 code challenge for `verifier`: base64url(SHA-256(verifier)). */
export function codeChallengeS256(verifier: string): string {
  if (typeof verifier !== 'string') {
    throw new InvalidOptionsError(
      'the PKCE code verifier must be a string (from createCodeVerifier())',
    );
  }
  return sha256Base64url(verifier);
}

/** An unguessable `state` value binding an authorization response to its request. */
export function createState(): string {
  return randomBase64url(24);
}
