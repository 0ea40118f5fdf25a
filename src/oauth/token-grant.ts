import { exchange } from '../http/exchange.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { authenticateClient, type ClientAuthConfig } from './client-auth.js';
import { buildTokenRequest } from './token-endpoint.js';

/**
 * The one shape of every request to an authorization server's form endpoints (token, device
 * authorization, revocation, introspection, and any grant built on them, RFC 8693 token exchange
 * included): the grant's own parameters, plus the client's authentication.
 */
export interface GrantRequest {
  /** The endpoint's URL. */
  url: string;
  /** The grant's parameters (`grant_type`, `code`, `device_code`, `token` ...); undefined ones are left out. */
  params: Record<string, string | undefined>;
  /** Who the client is and how it authenticates; omit for an endpoint that takes no client. */
  client?: ClientAuthConfig;
  /** `aud` of client assertions (`*_jwt` methods): the token endpoint, or the issuer. Default `url`. */
  assertionAudience?: string;
  /** Extra request headers, e.g. `x-goog-api-client` on Google's token endpoint. */
  headers?: Record<string, string>;
}

/**
 * Builds the request half: a form POST carrying the grant's parameters and the client's
 * authentication, with every secret value it carries listed for redaction.
 */
export async function buildGrantRequest(grant: GrantRequest): Promise<HttpRequest> {
  if (!grant.client) return buildTokenRequest(grant.url, grant.params, grant.headers);
  const auth = await authenticateClient(grant.client, grant.assertionAudience ?? grant.url);
  return buildTokenRequest(
    grant.url,
    { ...grant.params, ...auth.params },
    { ...grant.headers, ...auth.headers },
    auth.secrets,
  );
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
