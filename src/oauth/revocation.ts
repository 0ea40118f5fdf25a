import { checkHttpResponse, responseError } from '../http/response-error.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';
import { composeGrantRequest } from './token-grant.js';

/** Which kind of token is being revoked or introspected: a hint the server may use. */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** The form parameters of a revocation request (RFC 7009 §2.1), before client authentication. */
export function revocationParams(token: string, hint?: TokenTypeHint): Record<string, string> {
  return hint ? { token, token_type_hint: hint } : { token };
}

/**
 * Builds a revocation POST (RFC 7009) for a client that does not authenticate (Google's
 * installed apps): the token goes in the form body, never the URL.
 */
export function buildRevokeRequest(url: string, token: string): HttpRequest {
  return composeGrantRequest({ url, params: revocationParams(token) });
}

/**
 * Reads a revocation response. RFC 7009 §2.2: any 200 means done, including for a token the
 * server did not know; anything else is an error (a 503 carries Retry-After and is retried).
 */
export function parseRevokeResponse(response: HttpResponse, url: string): void {
  checkHttpResponse(response);
  if (response.status !== 200) throw responseError(response, url, 'token revocation');
}
