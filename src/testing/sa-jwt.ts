/**
 * Verification of JWTs signed with a service account's key: JWT-bearer assertions (RFC 7523)
 * and self-signed access JWTs. Audience rules differ between the two and stay with the callers.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { OAuthError } from './google-errors.js';
import type { EmulatorState, ServiceAccountRecord } from './state.js';

/** Google's descriptions, as its token endpoint returns them. */
export const INVALID_SIGNATURE = 'Invalid JWT Signature.';
export const BAD_TIMEFRAME =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
export const ACCOUNT_NOT_FOUND = 'Invalid grant: account not found';

const MAX_LIFETIME_SEC = 3600;
const CLOCK_SKEW_SEC = 60;

export interface VerifiedServiceAccountJwt {
  account: ServiceAccountRecord;
  claims: JWTPayload;
}

/**
 * Checks that `jwt` is signed by the registered service account named in `iss`, with that
 * account's algorithm and key id, and is short-lived and current. Throws an `invalid_grant`
 * {@link OAuthError} with Google's description otherwise.
 *
 * @param requireKid whether the header must carry the key id (self-signed JWTs) rather than
 *   merely not contradict it (assertions).
 */
export async function verifyServiceAccountJwt(
  state: EmulatorState,
  jwt: string,
  requireKid: boolean,
): Promise<VerifiedServiceAccountJwt> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(jwt);
    claims = decodeJwt(jwt);
  } catch {
    throw new OAuthError('invalid_grant', 'Invalid JWT: the assertion is not a compact JWS.');
  }

  const account =
    typeof claims.iss === 'string' ? state.serviceAccounts.get(claims.iss) : undefined;
  if (!account) throw new OAuthError('invalid_grant', ACCOUNT_NOT_FOUND);

  const kidMatches =
    header.kid === account.privateKeyId || (!requireKid && header.kid === undefined);
  if (header.alg !== account.algorithm || !kidMatches) {
    throw new OAuthError('invalid_grant', INVALID_SIGNATURE);
  }
  try {
    await compactVerify(jwt, account.publicKey, { algorithms: [account.algorithm] });
  } catch {
    throw new OAuthError('invalid_grant', INVALID_SIGNATURE);
  }

  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = claims;
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    iat > now + CLOCK_SKEW_SEC ||
    exp <= now ||
    exp <= iat ||
    exp - iat > MAX_LIFETIME_SEC
  ) {
    throw new OAuthError('invalid_grant', BAD_TIMEFRAME);
  }
  return { account, claims };
}

/** The space-separated `scope` claim as a list; empty when absent or blank. */
export function scopeClaim(claims: JWTPayload): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}
