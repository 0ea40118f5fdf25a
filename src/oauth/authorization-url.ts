import { AuthError, excerpt, InvalidOptionsError, OAuthError } from '../errors.js';
import { checkHttpUrl } from '../http/send.js';

/** What goes into an authorization URL besides the client and redirect URI. */
export interface AuthorizationParams {
  /** Google's `access_type`: `offline` (the default here) returns a refresh token. */
  accessType?: 'online' | 'offline';
  /** `consent` forces the consent screen (and a new refresh token); `select_account`, `none`. */
  prompt?: string;
  /** Pre-fills the account chooser with this email or `sub`. */
  loginHint?: string;
  /** Incremental authorization: the new grant includes scopes granted before. */
  includeGrantedScopes?: boolean;
  /** Further query parameters, e.g. `{ hd: 'example.com' }`; the options above win over them. */
  extraParams?: Record<string, string>;
}

/** Everything {@link buildAuthorizationUrl} needs: pure values, no randomness. */
export interface AuthorizationUrlInput extends AuthorizationParams {
  authUri: string;
  clientId: string;
  redirectUri: string;
  scopes: readonly string[];
  state: string;
  /** S256 challenge of the PKCE verifier; omitted when PKCE is off. */
  codeChallenge?: string;
}

/** Builds the URL the user's browser is sent to (RFC 6749 §4.1.1 with PKCE, RFC 7636). */
export function buildAuthorizationUrl(input: AuthorizationUrlInput): string {
  checkHttpUrl(input.authUri, 'authUri');
  const url = new URL(input.authUri);
  for (const [key, value] of Object.entries(input.extraParams ?? {})) {
    url.searchParams.set(key, value);
  }
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: input.clientId,
    redirect_uri: input.redirectUri,
    scope: input.scopes.join(' '),
    state: input.state,
    code_challenge: input.codeChallenge,
    code_challenge_method: input.codeChallenge === undefined ? undefined : 'S256',
    access_type: input.accessType ?? 'offline',
    prompt: input.prompt,
    login_hint: input.loginHint,
    include_granted_scopes: input.includeGrantedScopes ? 'true' : undefined,
  };
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(key, value);
  }
  return url.toString();
}

/** Response parameters that decide the outcome: each may appear once (RFC 6749 §3.1). */
const SINGLE_PARAMS = ['state', 'code', 'error', 'error_description', 'iss'] as const;

/**
 * Reads the parameters the authorization server sent back to the redirect URI: the code, or a
 * typed error. `state` is checked first, so a forged response is reported as such even when it
 * carries an error. The server's `error` and `error_description` reach the error cut short,
 * with control characters escaped and token-shaped text redacted.
 *
 * - `state`, `code`, `error`, `error_description` or `iss` given twice: `ERR_AUTHORIZATION`
 *   (two readers could take different ones)
 * - state differs from `expectedState` (or is missing): `ERR_STATE_MISMATCH`
 * - `error=access_denied` (the user clicked Deny): `ERR_ACCESS_DENIED`
 * - any other `error`: `ERR_AUTHORIZATION`, keeping `error` and `errorDescription`
 * - no `code`: `ERR_AUTHORIZATION`
 */
export function parseAuthorizationResponse(
  params: URLSearchParams,
  expectedState: string | undefined,
): string {
  if (!(params instanceof URLSearchParams)) {
    throw new InvalidOptionsError(
      'params must be the URLSearchParams of the redirect (e.g. new URL(callbackUrl).searchParams)',
    );
  }
  const repeated = SINGLE_PARAMS.find((name) => params.getAll(name).length > 1);
  if (repeated !== undefined) {
    throw new AuthError(
      'ERR_AUTHORIZATION',
      `the authorization response carries ${repeated} more than once (RFC 6749 §3.1 forbids it: a forged or tampered redirect); start the login again`,
    );
  }
  if (expectedState !== undefined && params.get('state') !== expectedState) {
    throw new AuthError(
      'ERR_STATE_MISMATCH',
      params.has('state')
        ? 'the authorization response carries a different state than the request (a stale browser tab, or a forged redirect); start the login again'
        : 'the authorization response carries no state (a forged or truncated redirect); start the login again',
    );
  }
  const error = params.get('error');
  if (error !== null) {
    const description = params.get('error_description') ?? undefined;
    const details = {
      error: excerpt(error),
      errorDescription: description === undefined ? undefined : excerpt(description),
    };
    const why = details.errorDescription ? `: ${details.errorDescription}` : '';
    if (error === 'access_denied') {
      throw new OAuthError(
        `the user denied access (access_denied${why}); log in again and click Allow`,
        details,
        'ERR_ACCESS_DENIED',
      );
    }
    throw new OAuthError(
      `the authorization server answered ${details.error}${why}`,
      details,
      'ERR_AUTHORIZATION',
    );
  }
  const code = params.get('code');
  if (!code) {
    throw new AuthError(
      'ERR_AUTHORIZATION',
      'the authorization response has neither a code nor an error (check the redirect URI)',
    );
  }
  return code;
}
