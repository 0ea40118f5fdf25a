/**
 * Who is calling an emulated Google API: the principal behind the request's bearer token, which
 * is an access token this emulator issued or a self-signed service-account JWT, as Google APIs
 * accept both.
 */
import { OAuthError } from './google-errors.js';
import type { EmulatorRequest } from './router.js';
import { scopeClaim, verifyServiceAccountJwt } from './sa-jwt.js';
import type { EmulatorState } from './state.js';

export interface Caller {
  /** Service-account email, delegated subject, user email or client id. */
  principal: string;
  scopes: string[];
}

/** The caller of `request`, or undefined when its bearer token is missing, unknown or expired. */
export async function authenticateCaller(
  request: EmulatorRequest,
  state: EmulatorState,
): Promise<Caller | undefined> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token === undefined) return undefined;
  const issued = state.activeAccessToken(token);
  if (issued) return { principal: issued.principal, scopes: issued.scopes };
  try {
    const { account, claims } = await verifyServiceAccountJwt(state, token, true);
    const scopes = scopeClaim(claims);
    // A self-signed JWT names either the API (its root URL) or the scopes it wants.
    const forThisApi = claims.aud === `${state.url}/` || claims.aud === state.url;
    if (claims.sub === account.email && (forThisApi || scopes.length > 0)) {
      return { principal: account.email, scopes };
    }
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
  }
  return undefined;
}
