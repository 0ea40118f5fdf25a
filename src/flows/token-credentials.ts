import { InvalidOptionsError, TokenResponseError } from '../errors.js';
import { normalizeScopes } from '../credentials/credentials.js';
import { clientAuthConfig, type ClientAuthConfig } from '../oauth/client-auth.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import { GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import type { TokenResponse } from '../oauth/token-endpoint.js';
import { checkBearer } from '../oauth/tokens.js';
import { UserCredentials } from '../credentials/user-credentials.js';
import type { HttpOptions } from '../http/types.js';
import { describeUrl } from '../http/send.js';

/** The OAuth client a flow runs as, and where its tokens come from. */
export interface FlowClient {
  clientId: string;
  clientSecret?: string;
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  tokenUri: string;
  http?: HttpOptions;
}

/** What every Google flow is given, checked once when the flow is created. */
export interface FlowClientOptions {
  clientId: string;
  clientSecret?: string;
  clientAuthMethod?: FlowClient['clientAuthMethod'];
  scopes: string | readonly string[];
  tokenUri?: string;
  allowInsecureHttp?: boolean;
}

/**
 * Checks a flow's client id, scopes, client authentication (default `client_secret_post`, as
 * Google expects) and token endpoint (https, or loopback http).
 */
export function checkFlowOptions(
  flow: string,
  options: FlowClientOptions,
): { client: ClientAuthConfig; scopes: string[]; tokenUri: string } {
  if (!options.clientId) throw new InvalidOptionsError(`${flow}: clientId is required`);
  const scopes = normalizeScopes(options.scopes);
  if (scopes.length === 0) {
    throw new InvalidOptionsError(`${flow}: scopes is empty (ask for at least one scope)`);
  }
  return {
    client: clientAuthConfig(options, flow, 'client_secret_post'),
    scopes,
    tokenUri: checkEndpointUrl(
      options.tokenUri ?? GOOGLE_TOKEN_URL,
      `${flow}: tokenUri`,
      options.allowInsecureHttp,
    ),
  };
}

/**
 * Turns the token response of a completed login, a Bearer token (see `checkBearer`), into
 * {@link UserCredentials} holding the access token already received (so nothing is refreshed
 * right away). Their `scopes` are the scopes the server granted, which may be fewer or more than
 * were asked for; `requested` stands in when the server does not say.
 */
export function credentialsFromLogin(
  response: TokenResponse,
  client: FlowClient,
  requested: readonly string[],
  receivedAt: number,
): UserCredentials {
  checkBearer(response.tokenType, client.tokenUri);
  if (!response.refreshToken) {
    throw new TokenResponseError(
      `token endpoint ${describeUrl(client.tokenUri)} returned no refresh_token, so the login cannot be kept (ask for accessType 'offline', with prompt 'consent' if this client was authorized before)`,
      describeUrl(client.tokenUri),
    );
  }
  return new UserCredentials({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientAuthMethod: client.clientAuthMethod,
    refreshToken: response.refreshToken,
    tokenUri: client.tokenUri,
    http: client.http,
    scopes: grantedScopes(response, requested),
    grantedScopes: grantedScopes(response, requested),
    accessToken: response.accessToken,
    expiresAt:
      response.expiresIn === undefined ? undefined : receivedAt + response.expiresIn * 1000,
    account: emailClaim(response.idToken),
  });
}

/** The scopes a token response says were granted, or `requested` when it says nothing. */
export function grantedScopes(response: TokenResponse, requested: readonly string[]): string[] {
  const granted = response.scope?.split(/\s+/).filter((s) => s !== '');
  return granted && granted.length > 0 ? granted : [...requested];
}

/**
 * The `email` claim of an ID token received straight from the token endpoint. It only labels
 * the credentials (`account`), so the signature is not checked (OpenID Connect Core §3.1.3.7
 * allows this for a token obtained directly over TLS); a malformed token yields undefined.
 */
function emailClaim(idToken: string | undefined): string | undefined {
  const payload = idToken?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      email?: unknown;
    };
    return typeof claims.email === 'string' ? claims.email : undefined;
  } catch {
    return undefined;
  }
}
