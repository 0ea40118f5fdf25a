import { parseTokenResponse } from './token-endpoint.js';
import { TokenResponseError } from '../errors.js';
import { describeUrl } from '../http/send.js';
import type { HttpResponse } from '../http/types.js';

/** Tokens from an OAuth 2.0 token endpoint, in camelCase. */
export interface OAuthTokens {
  accessToken: string;
  /** Always `Bearer`: other token types are refused. */
  tokenType: 'Bearer';
  /** Epoch milliseconds; undefined when the server gave no lifetime. */
  expiresAt?: number;
  refreshToken?: string;
  idToken?: string;
  /** Scopes the server says it granted. */
  scopes?: string[];
  /** The whole response body, for provider-specific fields. */
  raw: Record<string, unknown>;
}

/**
 * Reads a token endpoint's answer into {@link OAuthTokens}. Beyond `parseTokenResponse`, the
 * response must name its `token_type`, and it must be `bearer` (see {@link checkBearer}).
 */
export function parseOAuthTokens(
  response: HttpResponse,
  url: string,
  receivedAt: number,
): OAuthTokens {
  const parsed = parseTokenResponse(response, url);
  checkBearer(parsed.tokenType, url);
  const tokens: OAuthTokens = {
    accessToken: parsed.accessToken as string,
    tokenType: 'Bearer',
    raw: parsed.raw,
  };
  if (parsed.expiresIn !== undefined) tokens.expiresAt = receivedAt + parsed.expiresIn * 1000;
  if (parsed.refreshToken) tokens.refreshToken = parsed.refreshToken;
  if (parsed.idToken) tokens.idToken = parsed.idToken;
  if (parsed.scope) tokens.scopes = parsed.scope.split(' ').filter((s) => s !== '');
  return tokens;
}

/**
 * Refuses a token response whose `token_type` is missing or not `bearer` in any case (RFC 6749
 * §5.1, §7.1): a token of another type (`mac`, `DPoP`) sent as a bearer token would not work,
 * or worse.
 */
export function checkBearer(tokenType: string | undefined, url: string): void {
  if (tokenType === undefined) {
    throw new TokenResponseError(
      `token endpoint ${describeUrl(url)} answered without token_type (RFC 6749 §5.1 requires it)`,
      describeUrl(url),
    );
  }
  if (tokenType.toLowerCase() !== 'bearer') {
    // Named only when it looks like a type name: the server chose the text, and could have put
    // the token in it.
    const named = /^[A-Za-z][\w.-]{0,19}$/.test(tokenType) ? ` ${tokenType}` : '';
    throw new TokenResponseError(
      `token endpoint ${describeUrl(url)} issued a token of another type${named}; only Bearer tokens are supported`,
      describeUrl(url),
    );
  }
}
