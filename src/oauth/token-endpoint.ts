import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { checkHttpUrl, describeUrl } from '../http/send.js';
import type { HttpRequest, HttpResponse } from '../http/types.js';

/** A successful OAuth 2.0 token response (RFC 6749 §5.1), in camelCase. */
export interface TokenResponse {
  accessToken?: string;
  tokenType?: string;
  /** Seconds the access token lives, as the server said at receipt. */
  expiresIn?: number;
  refreshToken?: string;
  idToken?: string;
  /** Space-separated scopes granted, when the server says. */
  scope?: string;
  /** The whole JSON body, for provider-specific fields. */
  raw: Record<string, unknown>;
}

/** Which field a token response must carry to count as a success. */
export type ExpectedToken = 'access_token' | 'id_token';

/**
 * Builds a form-encoded POST to a token endpoint. Undefined parameters are left out. The secret
 * parameters' values, and `secrets` (what the headers carry), are listed on the request so that
 * no error made from the answer can echo them.
 */
export function buildTokenRequest(
  tokenUrl: string,
  params: Readonly<Record<string, string | undefined>>,
  headers: Readonly<Record<string, string>> = {},
  secrets: readonly string[] = [],
): HttpRequest {
  checkHttpUrl(tokenUrl, 'the endpoint URL');
  const form = new URLSearchParams();
  const sent = [...secrets];
  for (const key of Object.keys(params)) {
    const value = params[key];
    if (value === undefined) continue;
    form.append(key, value);
    if (value && SECRET_PARAMS.has(key)) sent.push(value);
  }
  return {
    url: tokenUrl,
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      ...headers,
    },
    body: form.toString(),
    secrets: sent,
  };
}

/** Reads a token endpoint's answer: a typed {@link TokenResponse}, or a typed error. */
export function parseTokenResponse(
  response: HttpResponse,
  url: string,
  expect: ExpectedToken = 'access_token',
  sentSecrets: readonly string[] = [],
): TokenResponse {
  if (response.status < 200 || response.status >= 300) {
    throw responseError(response, url, 'token request', sentSecrets);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    throw new TokenResponseError(
      `token endpoint ${describeUrl(url)} answered HTTP ${response.status} with a body that is not JSON (check the token URL)`,
      describeUrl(url),
    );
  }
  const found = json !== null && typeof json === 'object';
  // Some providers (GitHub) send OAuth errors with HTTP 200: an error object is an error whatever
  // the status, so that `authorization_pending` keeps a device login polling there too.
  if (found && json[expect] === undefined && typeof json.error === 'string') {
    throw responseError(response, url, 'token request', sentSecrets);
  }
  if (!found || typeof json[expect] !== 'string' || !json[expect]) {
    throw new TokenResponseError(
      `token endpoint ${describeUrl(url)} answered HTTP ${response.status} without ${expect}`,
      describeUrl(url),
    );
  }
  const where = `token endpoint ${describeUrl(url)}`;
  return {
    accessToken: headerSafeToken(json.access_token, 'access_token', where, url),
    tokenType: stringField(json.token_type),
    expiresIn: parseLifetime(json.expires_in, where, url),
    refreshToken: stringField(json.refresh_token),
    idToken: headerSafeToken(json.id_token, 'id_token', where, url),
    scope: stringField(json.scope),
    raw: json,
  };
}

/** Parameters whose values must never reach an error message, even when a server echoes them. */
const SECRET_PARAMS: ReadonlySet<string> = new Set([
  'client_secret',
  'refresh_token',
  'assertion',
  'client_assertion',
  'code',
  'code_verifier',
  'device_code',
  // The token being revoked or introspected (RFC 7009, RFC 7662).
  'token',
  'subject_token',
  'actor_token',
  'password',
  // Google's token-info endpoint takes the access token it describes.
  'access_token',
]);

/** A year: longer lifetimes are cut to it, so expiry stays a valid date and is refreshed some day. */
export const MAX_TOKEN_LIFETIME_SEC = 365 * 24 * 3600;

/**
 * Reads `expires_in` (a number, or a string of digits as some servers send it): undefined when
 * absent, at most {@link MAX_TOKEN_LIFETIME_SEC}. Zero, negative or not a number is refused: a
 * token that is expired on arrival would make every call a token request.
 */
export function parseLifetime(value: unknown, where: string, url: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,15}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isFinite(seconds) || seconds <= 0) {
    const shown = typeof value === 'number' ? String(value) : `a ${typeof value}`;
    throw new TokenResponseError(
      `${where} answered expires_in ${shown}; it must be a positive number of seconds (check the token URL)`,
      describeUrl(url),
    );
  }
  return Math.min(seconds, MAX_TOKEN_LIFETIME_SEC);
}

// RFC 7230 field-value characters a token may use: visible ASCII, no space, no control.
const HEADER_SAFE_TOKEN = /^[\x21-\x7e]+$/;

/**
 * A token that will be sent in an `Authorization` header, refused when it holds characters that
 * could break or forge a header (CR, LF, other controls, spaces, non-ASCII). The message never
 * quotes the token.
 */
export function headerSafeToken(
  value: unknown,
  field: string,
  where: string,
  url: string,
): string | undefined {
  const token = stringField(value);
  if (token !== undefined && !HEADER_SAFE_TOKEN.test(token)) {
    throw new TokenResponseError(
      `${where} answered a ${field} with characters an HTTP header cannot carry (control characters, spaces or non-ASCII); it was refused`,
      describeUrl(url),
    );
  }
  return token;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
