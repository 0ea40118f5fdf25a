/**
 * Google-shaped ID tokens, signed with the emulator's current signing key. The issuer is
 * Google's, so verifiers configured for Google accept them once pointed at the emulator's certs.
 */
import { createHash } from 'node:crypto';
import type { EmulatorState, ServiceAccountRecord, UserRecord } from './state.js';

const ISSUER = 'https://accounts.google.com';
const ID_TOKEN_LIFETIME_SEC = 3600;
const EMAIL_SCOPES = ['email', 'https://www.googleapis.com/auth/userinfo.email'];

/** Whether a grant of these scopes comes with an ID token. */
export function includesOpenId(scopes: readonly string[]): boolean {
  return scopes.includes('openid');
}

function lifetime(): { iat: number; exp: number } {
  const iat = Math.floor(Date.now() / 1000);
  return { iat, exp: iat + ID_TOKEN_LIFETIME_SEC };
}

/**
 * The ID token a service account gets for `audience` (JWT-bearer grant with `target_audience`,
 * metadata server, IAM generateIdToken); IAM leaves the email out unless asked.
 */
export function serviceAccountIdToken(
  state: EmulatorState,
  account: ServiceAccountRecord,
  audience: string,
  includeEmail = true,
): Promise<string> {
  return state.signingKeys.sign({
    iss: ISSUER,
    aud: audience,
    azp: account.clientId,
    sub: account.clientId,
    ...(includeEmail && { email: account.email, email_verified: true }),
    ...lifetime(),
  });
}

/**
 * The ID token of a user grant that includes `openid`: audience the client, `at_hash` binding
 * the access token, and `email` only when an email scope was granted, as Google does.
 */
export function userIdToken(
  state: EmulatorState,
  grant: {
    user: UserRecord;
    clientId: string;
    scopes: readonly string[];
    accessToken: string;
    /** The issuer and nonce of an OpenID Connect login (see the OIDC discovery route). */
    oidc?: { issuer?: string; nonce?: string };
  },
): Promise<string> {
  const digest = createHash('sha256').update(grant.accessToken).digest();
  const email = grant.scopes.some((scope) => EMAIL_SCOPES.includes(scope))
    ? { email: grant.user.email, email_verified: true }
    : {};
  return state.signingKeys.sign({
    iss: grant.oidc?.issuer ?? ISSUER,
    ...(grant.oidc?.nonce !== undefined && { nonce: grant.oidc.nonce }),
    azp: grant.clientId,
    aud: grant.clientId,
    sub: grant.user.id,
    ...email,
    at_hash: digest.subarray(0, digest.length / 2).toString('base64url'),
    ...lifetime(),
  });
}
