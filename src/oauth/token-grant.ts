import { exchange } from '../http/exchange.js';
import type { ClientCertificate, HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import {
  authenticateClient,
  type ClientAuthConfig,
  type ClientAuthentication,
} from './client-auth.js';
import {
  buildTokenRequest,
  parseTokenResponse,
  type ExpectedToken,
  type TokenResponse,
} from './token-endpoint.js';

/**
 * The one shape of every request to an authorization server's form endpoints (token, device
 * authorization, revocation, introspection, token info, and every grant built on them: JWT
 * bearer and token exchange included): the grant's own parameters, plus the client's
 * authentication.
 */
export interface GrantRequest {
  /** The endpoint's URL. */
  url: string;
  /** The grant's parameters (`grant_type`, `code`, `device_code`, `token` ...); undefined ones are left out. */
  params: Record<string, string | undefined>;
  /** Who the client is and how it authenticates; omit for an endpoint that takes no client. */
  client?: ClientAuthConfig;
  /**
   * The client's authentication, already made (HTTP Basic of a client that may have no secret,
   * as Google's STS clients): used instead of `client`.
   */
  auth?: ClientAuthentication;
  /** `aud` of client assertions (`*_jwt` methods): the token endpoint, or the issuer. Default `url`. */
  assertionAudience?: string;
  /** Extra request headers, e.g. `x-goog-api-client` on Google's token endpoint. */
  headers?: Readonly<Record<string, string>>;
  /** A client certificate: the request goes over mutual TLS (X.509 federation). */
  clientCertificate?: ClientCertificate;
}

/**
 * The request half, once the client is authenticated: a form POST carrying the grant's
 * parameters and `auth`, with every secret value it carries listed for redaction.
 */
export function composeGrantRequest(
  grant: GrantRequest,
  auth: ClientAuthentication | undefined = grant.auth,
): HttpRequest {
  const request = buildTokenRequest(
    grant.url,
    auth ? { ...grant.params, ...auth.params } : grant.params,
    { ...grant.headers, ...auth?.headers },
    auth?.secrets,
  );
  return grant.clientCertificate
    ? { ...request, clientCertificate: grant.clientCertificate }
    : request;
}

/** Builds the request half, authenticating the client (a `*_jwt` method signs an assertion). */
export async function buildGrantRequest(grant: GrantRequest): Promise<HttpRequest> {
  const auth =
    grant.auth ??
    (grant.client &&
      (await authenticateClient(grant.client, grant.assertionAudience ?? grant.url)));
  return composeGrantRequest(grant, auth);
}

/**
 * Sends a grant and hands the response to `parse` (the response half): the one line between
 * the halves, through `src/http/` with its timeout, retries and redaction.
 */
export async function sendGrant<T>(
  grant: GrantRequest,
  parse: (response: HttpResponse, url: string) => T,
  http?: HttpOptions,
): Promise<T> {
  return exchange(await buildGrantRequest(grant), (response) => parse(response, grant.url), http);
}

/**
 * POSTs `params` to a token endpoint and reads the token response: {@link sendGrant} with the
 * token response half.
 */
export function requestToken(
  tokenUrl: string,
  params: Record<string, string | undefined>,
  options: { http?: HttpOptions; headers?: Record<string, string>; expect?: ExpectedToken } = {},
): Promise<TokenResponse> {
  return sendGrant(
    { url: tokenUrl, params, headers: options.headers },
    (response, url) => parseTokenResponse(response, url, options.expect),
    options.http,
  );
}
