import { AuthError } from '../errors.js';
import { GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import { describeUrl } from '../http/send.js';
import type { TokenStore } from '../store/token-store.js';
import { LOGIN_KEY } from './paths.js';

/** The store entry beside the login that names the server's revoke and token-info endpoints. */
export const LOGIN_ENDPOINTS_KEY = `${LOGIN_KEY}.endpoints`;

/** Where the stored login's server revokes tokens and describes them. */
export interface LoginEndpoints {
  revokeUri?: string;
  tokenInfoUri?: string;
}

/** Saves the endpoints of the server a login was made against, so later commands use them. */
export async function saveLoginEndpoints(
  store: TokenStore,
  endpoints: LoginEndpoints,
): Promise<void> {
  const record: Record<string, unknown> = {};
  if (endpoints.revokeUri) record.revoke_uri = endpoints.revokeUri;
  if (endpoints.tokenInfoUri) record.token_info_uri = endpoints.tokenInfoUri;
  await store.set(LOGIN_ENDPOINTS_KEY, record);
}

/**
 * The endpoint a command about the stored login uses: the one given on the command line, else
 * the one saved at login. A login made against a server other than Google's never falls back to
 * Google's endpoint, which would receive its token.
 */
export async function loginEndpoint(
  store: TokenStore,
  which: 'revoke_uri' | 'token_info_uri',
  given: string | undefined,
  tokenUri: string | undefined,
): Promise<string | undefined> {
  if (given) return given;
  const saved = (await store.get(LOGIN_ENDPOINTS_KEY))?.[which];
  if (typeof saved === 'string' && saved !== '') return saved;
  if (tokenUri === undefined || tokenUri === GOOGLE_TOKEN_URL) return undefined;
  const flag = which === 'revoke_uri' ? '--revoke-uri' : '--token-info-uri';
  throw new AuthError(
    'ERR_INVALID_OPTIONS',
    `the stored login was made against ${describeUrl(tokenUri)}, whose ${which} is not known; pass ${flag} URL (or log in again with a client secrets file that names it)`,
  );
}
