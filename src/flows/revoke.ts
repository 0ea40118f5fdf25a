import type { HttpOptions } from '../http/types.js';
import { GOOGLE_REVOKE_URL } from '../oauth/google-endpoints.js';
import { parseRevokeResponse, revocationParams } from '../oauth/revocation.js';
import { sendGrant } from '../oauth/token-grant.js';

/** Options of {@link revoke}. */
export interface RevokeOptions {
  /** Revocation endpoint. Default Google's `https://oauth2.googleapis.com/revoke`. */
  revokeUrl?: string;
  http?: HttpOptions;
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
  return sendGrant({ url, params: revocationParams(token) }, parseRevokeResponse, options.http);
}
