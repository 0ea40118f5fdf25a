import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';

/** Claims about the user from the userinfo endpoint (OpenID Connect Core §5.3). */
export interface UserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  [claim: string]: unknown;
}

/** The GET request for the userinfo endpoint, authorized with the access token. */
export function buildUserInfoRequest(url: string, accessToken: string): HttpRequest {
  return {
    url,
    method: 'GET',
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    secrets: [accessToken],
  };
}

/**
 * Reads a userinfo response: a JSON object with a `sub`. When `expectedSubject` is given (the
 * ID token's `sub`), the two must match (OpenID Connect Core §5.3.2), or the claims may be
 * another user's.
 */
export function parseUserInfoResponse(
  response: HttpResponse,
  url: string,
  expectedSubject?: string,
): UserInfo {
  if (response.status !== 200) throw responseError(response, url, 'userinfo request');
  const where = describeUrl(url);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== 'object' || typeof json.sub !== 'string') {
    throw new TokenResponseError(
      `userinfo endpoint ${where} did not answer with a JSON object holding sub (signed or encrypted userinfo is not supported)`,
      where,
    );
  }
  if (expectedSubject !== undefined && json.sub !== expectedSubject) {
    throw new TokenResponseError(
      `userinfo endpoint ${where} described another subject than the ID token's`,
      where,
    );
  }
  return json as UserInfo;
}
