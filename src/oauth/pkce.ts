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

/** RFC 7636 §4.1: 43 to 128 characters of the unreserved set. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * The S256 code challenge for `verifier`: base64url(SHA-256(verifier)). The verifier must be what
 * RFC 7636 §4.1 allows, 43 to 128 characters of `A-Z a-z 0-9 - . _ ~`.
 */
export function codeChallengeS256(verifier: string): string {
  if (typeof verifier !== 'string' || !CODE_VERIFIER.test(verifier)) {
    throw new InvalidOptionsError(
      'the PKCE code verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1; use createCodeVerifier())',
    );
  }
  return sha256Base64url(verifier);
}

/** An unguessable `state` value binding an authorization response to its request. */
export function createState(): string {
  return randomBase64url(24);
}
