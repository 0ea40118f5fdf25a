import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';
import { GOOGLE_TOKEN_INFO_URL } from '../oauth/google-endpoints.js';
import { composeGrantRequest, sendGrant } from '../oauth/token-grant.js';

/** What the token-info endpoint says about an access token. */
export interface TokenInfo {
  /** Scopes the token carries. */
  scopes: string[];
  /** Seconds left before it expires, when asked. */
  expiresIn: number;
  /** When it expires, if the endpoint gave `exp`. */
  expiresAt?: Date;
  /** The OAuth client the token was issued to (`aud`). */
  audience: string;
  /** The client that asked for it (`azp`), when given. */
  authorizedParty?: string;
  /** The user's or service account's unique id (`sub`), when the token has identity scopes. */
  subject?: string;
  /** The account's email, when the token carries the email scope. */
  email?: string;
  emailVerified?: boolean;
  /** `online` or `offline`, for user tokens. */
  accessType?: string;
  /** The whole answer, for other fields. */
  raw: Record<string, unknown>;
}

/** Options of {@link tokenInfo}. */
export interface TokenInfoOptions {
  /** Token-info endpoint. Default Google's `https://oauth2.googleapis.com/tokeninfo`. */
  tokenInfoUrl?: string;
  http?: HttpOptions;
}

/** Builds the token-info request: a POST, so the token stays out of URLs and logs. */
export function buildTokenInfoRequest(url: string, accessToken: string): HttpRequest {
  return composeGrantRequest({ url, params: { access_token: accessToken } });
}

/** Reads the token-info answer. Google sends numbers as strings; both are accepted. */
export function parseTokenInfoResponse(response: HttpResponse, url: string): TokenInfo {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'token info request');
  }
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const expiresIn = Number(json?.expires_in);
  if (
    !json ||
    typeof json !== 'object' ||
    typeof json.aud !== 'string' ||
    !(Number.isFinite(expiresIn) && expiresIn >= 0)
  ) {
    throw new TokenResponseError(
      `token info endpoint ${describeUrl(url)} answered HTTP ${response.status} without aud and expires_in (check the token info URL)`,
      describeUrl(url),
    );
  }
  const text = (field: string) =>
    typeof json[field] === 'string' ? (json[field] as string) : undefined;
  const expiresAt = new Date(Number(json.exp) * 1000);
  const verified = json.email_verified;
  return {
    scopes: (text('scope') ?? '').split(/\s+/).filter((s) => s !== ''),
    expiresIn,
    // A date only when `exp` makes one: 1e300 would be an Invalid Date that throws on use.
    expiresAt: expiresAt.getTime() > 0 ? expiresAt : undefined,
    audience: json.aud,
    authorizedParty: text('azp'),
    subject: text('sub'),
    email: text('email'),
    emailVerified: verified === undefined ? undefined : verified === true || verified === 'true',
    accessType: text('access_type'),
    raw: json,
  };
}

/**
 * Asks the token-info endpoint about an access token: its scopes, remaining lifetime, client
 * and user. An invalid or expired token is answered with `invalid_token` (`ERR_OAUTH`).
 *
 * @example
 * ```ts
 * const info = await tokenInfo(await credentials.getAccessToken());
 * console.log(info.scopes, info.expiresIn);
 * ```
 */
export function tokenInfo(accessToken: string, options: TokenInfoOptions = {}): Promise<TokenInfo> {
  const url = options.tokenInfoUrl ?? GOOGLE_TOKEN_INFO_URL;
  return sendGrant(
    { url, params: { access_token: accessToken } },
    parseTokenInfoResponse,
    options.http,
  );
}
