/**
 * The OAuth 2.0 token-exchange grant (RFC 8693) as protocol halves: a pure request builder, a
 * pure response parser, and {@link exchangeToken} between them. Google's Security Token Service
 * (workload identity federation, downscoping) speaks it with one extension, the JSON `options`.
 */
import { TokenResponseError } from '../errors.js';
import { parseTokenResponse, type TokenResponse } from './token-endpoint.js';
import { describeUrl } from '../http/send.js';
import type { ClientCertificate, HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { basicAuthentication } from './client-auth.js';
import { composeGrantRequest, sendGrant, type GrantRequest } from './token-grant.js';

/** A day: longer than any token STS issues, so a larger lifetime is a broken answer. */
const MAX_EXPIRES_IN_SEC = 86_400;

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Token type URIs (RFC 8693 §3, plus the AWS and mutual-TLS types Google's STS accepts). */
export const TOKEN_TYPES = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  saml2: 'urn:ietf:params:oauth:token-type:saml2',
  aws4Request: 'urn:ietf:params:aws:token-type:aws4_request',
  mtls: 'urn:ietf:params:oauth:token-type:mtls',
} as const;

/** One token-exchange request, in camelCase. */
export interface TokenExchangeRequest {
  tokenUrl: string;
  subjectToken: string;
  subjectTokenType: string;
  audience?: string;
  resource?: string;
  scopes?: readonly string[];
  /** Default `urn:ietf:params:oauth:token-type:access_token`. */
  requestedTokenType?: string;
  actorToken?: string;
  actorTokenType?: string;
  /** Google STS's `options` parameter, sent as JSON (e.g. `{ userProject }`, `{ accessBoundary }`). */
  options?: Record<string, unknown>;
  /** Client authentication with HTTP Basic (RFC 6749 §2.3.1). */
  client?: BasicClient;
  /** A client certificate: the request goes over mutual TLS (X.509 federation). */
  clientCertificate?: ClientCertificate;
  /** Extra request headers, e.g. Google's `x-goog-api-client`. */
  headers?: Readonly<Record<string, string>>;
}

/** An OAuth client authenticating with HTTP Basic; STS clients may have no secret. */
export interface BasicClient {
  clientId: string;
  clientSecret?: string;
}

/** A successful token-exchange response (RFC 8693 §2.2.1). */
export interface TokenExchangeResponse extends TokenResponse {
  accessToken: string;
  /** The type of the token issued, e.g. the access-token URI. */
  issuedTokenType?: string;
}

/**
 * Builds the form POST of a token exchange.
 *
 * @example
 * ```ts
 * const request = buildTokenExchangeRequest({
 *   tokenUrl: 'https://sts.googleapis.com/v1/token',
 *   subjectToken: await myCi.idToken('//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q'),
 *   subjectTokenType: TOKEN_TYPES.jwt,
 *   audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * ```
 */
export function buildTokenExchangeRequest(request: TokenExchangeRequest): HttpRequest {
  return composeGrantRequest(exchangeGrant(request));
}

/** Reads a token-exchange answer: a typed response, or the typed error of a failed one. */
export function parseTokenExchangeResponse(
  response: HttpResponse,
  tokenUrl: string,
  sentSecrets: readonly string[] = [],
): TokenExchangeResponse {
  const parsed = parseTokenResponse(response, tokenUrl, 'access_token', sentSecrets);
  const issued = parsed.raw.issued_token_type;
  if (issued !== undefined && typeof issued !== 'string') {
    throw new TokenResponseError(
      `token exchange at ${describeUrl(tokenUrl)} answered with a non-string issued_token_type (check token_url)`,
      describeUrl(tokenUrl),
    );
  }
  if (
    parsed.expiresIn !== undefined &&
    !(parsed.expiresIn > 0 && parsed.expiresIn <= MAX_EXPIRES_IN_SEC)
  ) {
    throw new TokenResponseError(
      `token exchange at ${describeUrl(tokenUrl)} answered expires_in ${parsed.expiresIn}, outside 1 to ${MAX_EXPIRES_IN_SEC} seconds (check token_url)`,
      describeUrl(tokenUrl),
    );
  }
  return { ...parsed, accessToken: parsed.accessToken as string, issuedTokenType: issued };
}

/**
 * Exchanges a subject token at a token-exchange endpoint, with the timeout and retries of `http`.
 * Failures are `OAuthError` (the server's `error` and description) or transport errors; the
 * subject token, actor token and client secret never appear in them.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 *
 * const { accessToken, expiresIn } = await exchangeToken({
 *   tokenUrl: 'https://sts.googleapis.com/v1/token',
 *   subjectToken: await readFile('/var/run/ci/oidc-token', 'utf8'),
 *   subjectTokenType: TOKEN_TYPES.jwt,
 *   audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q',
 * });
 * ```
 */
export function exchangeToken(
  request: TokenExchangeRequest,
  http?: HttpOptions,
): Promise<TokenExchangeResponse> {
  return sendGrant(
    exchangeGrant(request),
    (response, url) => parseTokenExchangeResponse(response, url),
    http,
  );
}

/** The grant of a token exchange: its parameters, headers and client certificate. */
function exchangeGrant(request: TokenExchangeRequest): GrantRequest {
  const { client } = request;
  return {
    url: request.tokenUrl,
    headers: request.headers,
    clientCertificate: request.clientCertificate,
    params: exchangeParams(request),
    auth: client && basicAuthentication(client.clientId, client.clientSecret),
  };
}

function exchangeParams(request: TokenExchangeRequest): Record<string, string | undefined> {
  return {
    grant_type: TOKEN_EXCHANGE_GRANT,
    audience: request.audience,
    resource: request.resource,
    scope: request.scopes && request.scopes.length > 0 ? request.scopes.join(' ') : undefined,
    requested_token_type: request.requestedTokenType ?? TOKEN_TYPES.accessToken,
    subject_token: request.subjectToken,
    subject_token_type: request.subjectTokenType,
    actor_token: request.actorToken,
    actor_token_type: request.actorTokenType,
    options: request.options ? JSON.stringify(request.options) : undefined,
  };
}
