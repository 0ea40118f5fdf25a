import { buildTokenRequest } from '../oauth/token-endpoint.js';
import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { GOOGLE_REVOKE_URL } from '../oauth/google-endpoints.js';

/** Options of {@link revoke}. */
export interface RevokeOptions {
  /** Revocation endpoint. Default Google's `https://oauth2.googleapis.com/revoke`. */
  revokeUrl?: string;
  http?: HttpOptions;
}

/** Builds the revocation POST (RFC 7009): the token goes in the form body, never the URL. */
export function buildRevokeRequest(url: string, token: string): HttpRequest {
  return buildTokenRequest(url, { token });
}

/** Reads the revocation endpoint's answer: nothing on 2xx, else a typed error. */
export function parseRevokeResponse(response: HttpResponse, url: string): void {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'token revocation');
  }
}

/**
 * Revokes an access or refresh token. Revoking a refresh token (or an access token minted from
 * one) ends the whole grant: the user must consent again. A token that is already invalid is
 * answered by Google with `invalid_token` (`ERR_OAUTH`).
 *
 * @example
 * ```ts
 * await revoke(user.refreshToken);
 * ```
 */
export function revoke(token: string, options: RevokeOptions = {}): Promise<void> {
  const url = options.revokeUrl ?? GOOGLE_REVOKE_URL;
  return exchange(
    buildRevokeRequest(url, token),
    (response) => parseRevokeResponse(response, url),
    options.http,
  );
}
