import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { AuthError, type AuthErrorCode } from '../errors.js';
import { loadJose, type Jose } from './jose.js';

/** The claims of a verified OpenID Connect ID token. */
export interface IdTokenClaims extends JWTPayload {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  nonce?: string;
  azp?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  [claim: string]: unknown;
}

/** What an ID token is checked against. */
export interface IdTokenExpectations {
  /** Issuers accepted in `iss`; the first is the provider's own. */
  issuers: readonly string[];
  clientId: string;
  /** The nonce sent with the authorization request; checked when given. */
  nonce?: string;
  /** JWS algorithms accepted; never `none`. */
  algorithms: readonly string[];
  /** Finds the verification key for a token header. */
  getKey: JWTVerifyGetKey;
  clockToleranceSec: number;
  /** Epoch milliseconds. */
  now: number;
}

/** Asymmetric algorithms an ID token may be signed with when the provider does not say. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/**
 * Verifies an ID token (OpenID Connect Core §3.1.3.7): the signature with a key the provider
 * publishes, then `iss`, `aud` (must hold the client id), `azp` (must be the client id when
 * present, and present when there are several audiences), `exp`/`nbf` with clock tolerance,
 * and `nonce`. Failures are `ERR_ID_TOKEN_*` errors that never quote the token.
 */
export async function verifyIdToken(
  idToken: string,
  expected: IdTokenExpectations,
): Promise<IdTokenClaims> {
  const { errors, jwtVerify } = await loadJose();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, expected.getKey, {
      issuer: [...expected.issuers],
      audience: expected.clientId,
      algorithms: [...expected.algorithms],
      clockTolerance: expected.clockToleranceSec,
      currentDate: new Date(expected.now),
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    }));
  } catch (error) {
    throw idTokenError(error, expected, errors);
  }
  const claims = payload as IdTokenClaims;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (audiences.length > 1 && claims.azp === undefined) {
    throw invalid('ERR_ID_TOKEN_INVALID', 'it has several audiences but no azp claim');
  }
  if (claims.azp !== undefined && claims.azp !== expected.clientId) {
    throw invalid('ERR_ID_TOKEN_INVALID', `its azp is not this client (${expected.clientId})`);
  }
  if (expected.nonce !== undefined && claims.nonce !== expected.nonce) {
    throw invalid(
      'ERR_ID_TOKEN_INVALID',
      'its nonce does not match the one sent with the authorization request (a replayed or injected token)',
    );
  }
  return claims;
}

/** Maps jose's failures to our codes, with messages that name the claim, never its value. */
function idTokenError(
  error: unknown,
  expected: IdTokenExpectations,
  errors: Jose['errors'],
): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) {
    return invalid(
      'ERR_ID_TOKEN_EXPIRED',
      `it expired (clock tolerance ${expected.clockToleranceSec} s)`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const detail =
      error.claim === 'aud'
        ? `its aud does not include this client (${expected.clientId})`
        : error.claim === 'iss'
          ? `its iss is not ${expected.issuers.join(' or ')}`
          : `claim ${error.claim} failed: ${error.reason}`;
    return invalid('ERR_ID_TOKEN_INVALID', detail);
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return invalid(
      'ERR_ID_TOKEN_KEY_NOT_FOUND',
      "the provider's key set has no key matching its kid and alg",
    );
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid('ERR_ID_TOKEN_KEY_NOT_FOUND', "several of the provider's keys match its kid");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid('ERR_ID_TOKEN_SIGNATURE', 'its signature does not verify');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalid(
      'ERR_ID_TOKEN_INVALID',
      `its alg is not one of ${expected.algorithms.join(', ')}`,
    );
  }
  if (error instanceof errors.JOSEError) {
    return invalid('ERR_ID_TOKEN_INVALID', `it is malformed (${error.code})`);
  }
  return invalid('ERR_ID_TOKEN_INVALID', 'it could not be verified');
}

function invalid(code: AuthErrorCode, why: string): AuthError {
  return new AuthError(code, `ID token rejected: ${why}`);
}
