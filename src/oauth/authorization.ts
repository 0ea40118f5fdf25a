import { AuthError, excerpt, InvalidOptionsError } from '../errors.js';
import { randomBase64url } from '../platform/random.js';
import { parseAuthorizationResponse } from './authorization-url.js';
import { codeChallengeS256, createCodeVerifier, createState } from './pkce.js';

/** Options of an authorization request; any other key is sent as an extra parameter. */
export interface AuthorizationRequestOptions {
  /** Where the provider sends the user back; must be registered with the provider. */
  redirectUri: string;
  /** Scopes to request, as an array or one space-separated string. */
  scope?: string | readonly string[];
  /** Extra parameters such as `prompt`, `login_hint`, `access_type`. */
  [param: string]: string | readonly string[] | undefined;
}

/** What to keep between the redirect and the callback: everything but `url` is secret. */
export interface AuthorizationRedirect {
  /** Send the user's browser here. */
  url: string;
  state: string;
  /** Present when `openid` was requested. */
  nonce?: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The values saved at the redirect that a callback must match. */
export interface SavedAuthorization {
  state: string;
  nonce?: string;
  codeVerifier: string;
  redirectUri: string;
}

/** Parameters this library sets itself; callers cannot override them. */
const RESERVED = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Builds an authorization-code request with PKCE (S256), a random `state`, and a `nonce` when
 * `openid` is among the scopes. Pure apart from the random values.
 */
export function buildAuthorizationRedirect(
  authorizationUrl: string,
  clientId: string,
  options: AuthorizationRequestOptions,
): AuthorizationRedirect {
  const { redirectUri, scope, ...extra } = options;
  const scopes =
    typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [...(scope ?? [])];
  const state = createState();
  const codeVerifier = createCodeVerifier();
  const nonce = scopes.includes('openid') ? randomBase64url(24) : undefined;
  const url = new URL(authorizationUrl);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', clientId);
  params.set('redirect_uri', redirectUri);
  if (scopes.length > 0) params.set('scope', scopes.join(' '));
  params.set('state', state);
  if (nonce) params.set('nonce', nonce);
  params.set('code_challenge', codeChallengeS256(codeVerifier));
  params.set('code_challenge_method', 'S256');
  for (const [name, value] of Object.entries(extra)) {
    if (RESERVED.has(name)) {
      throw new InvalidOptionsError(
        `authorization parameter ${name} is set by warrant and cannot be passed`,
      );
    }
    if (value !== undefined) params.set(name, typeof value === 'string' ? value : value.join(' '));
  }
  return { url: url.toString(), state, nonce, codeVerifier, redirectUri };
}

/**
 * Reads the redirect back from the provider (RFC 6749 §4.1.2): `state` first, so a forged
 * response, error or not, is a state mismatch; then `error=` (`ERR_ACCESS_DENIED` when the user
 * said no, else `ERR_AUTHORIZATION`); then an `iss` parameter (RFC 9207), which must name the
 * expected issuer. Returns the authorization code.
 */
export function readAuthorizationCallback(
  currentUrl: string | URL,
  expectedState: string,
  expectedIssuer?: string,
  issRequired = false,
): string {
  const params = new URL(currentUrl).searchParams;
  const code = parseAuthorizationResponse(params, expectedState);
  const issuer = params.get('iss');
  if (issuer === null && issRequired) {
    throw new AuthError(
      'ERR_AUTHORIZATION',
      `the authorization response has no iss parameter, which ${expectedIssuer ?? 'the provider'} promises on every response (RFC 9207; a mix-up attack or a misconfigured provider)`,
    );
  }
  if (issuer !== null && expectedIssuer !== undefined && issuer !== expectedIssuer) {
    throw new AuthError(
      'ERR_AUTHORIZATION',
      `the authorization response names issuer ${excerpt(issuer)}, not ${expectedIssuer} (a mix-up attack or a misconfigured provider)`,
    );
  }
  return code;
}
