/**
 * What a grant handler receives and returns. Each `grant_type` of the token endpoint is one
 * handler, registered by a module in `EmulatorContext.grants`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { OAuthError } from '../../google-errors.js';
import { includesOpenId, userIdToken } from '../../id-tokens.js';
import type { AccessTokenRecord, EmulatorState, UserRecord } from '../../state.js';

/** The form parameters of a token request. Empty values count as absent. */
export class TokenParams {
  readonly #form: URLSearchParams;

  constructor(form: URLSearchParams) {
    this.#form = form;
  }

  get(name: string): string | undefined {
    return this.#form.get(name) || undefined;
  }

  /** The parameter, or an `invalid_request` error naming it. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) {
      throw new OAuthError('invalid_request', `Missing required parameter: ${name}`);
    }
    return value;
  }
}

export interface TokenRequest {
  params: TokenParams;
  headers: IncomingHttpHeaders;
}

/** Turns a token request into the JSON body of a 200 response, or throws an OAuthError. */
export type GrantHandler = (
  request: TokenRequest,
  state: EmulatorState,
) => Promise<Record<string, unknown>>;

/** The RFC 6749 §5.1 fields every access-token response carries. */
export function accessTokenFields(
  state: EmulatorState,
  token: AccessTokenRecord,
): { access_token: string; expires_in: number; token_type: 'Bearer' } {
  return { access_token: token.token, expires_in: state.tokenLifetimeSec, token_type: 'Bearer' };
}

/** Space-separated scopes as a list. */
export function splitScopes(scope: string | undefined): string[] {
  return scope?.split(' ').filter(Boolean) ?? [];
}

/**
 * The response to a completed user login (authorization code or device code): a new refresh
 * token and access token for `user`, and an ID token when `openid` was granted.
 */
export async function userLoginTokens(
  state: EmulatorState,
  clientId: string,
  user: UserRecord,
  scopes: string[],
  oidc?: { issuer?: string; nonce?: string },
): Promise<Record<string, unknown>> {
  const refresh = state.issueRefreshToken(clientId, user, scopes);
  const token = state.issueAccessToken({
    principal: user.email,
    scopes,
    clientId,
    refreshToken: refresh.token,
  });
  return {
    ...accessTokenFields(state, token),
    refresh_token: refresh.token,
    scope: scopes.join(' '),
    ...(includesOpenId(scopes) && {
      id_token: await userIdToken(state, {
        user,
        clientId,
        scopes,
        accessToken: token.token,
        oidc,
      }),
    }),
  };
}
