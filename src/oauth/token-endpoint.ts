import { TokenResponseError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpOptions, HttpRequest, HttpResponse } from '../http/types.js';

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
  params: Record<string, string | undefined>,
  headers: Record<string, string> = {},
  secrets: readonly string[] = [],
): HttpRequest {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) form.append(key, value);
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
    secrets: [...secretValues(params), ...secrets],
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
  if (
    json === null ||
    typeof json !== 'object' ||
    typeof json[expect] !== 'string' ||
    !json[expect]
  ) {
    throw new TokenResponseError(
      `token endpoint ${describeUrl(url)} answered HTTP ${response.status} without ${expect}`,
      describeUrl(url),
    );
  }
  const expiresIn = json.expires_in === undefined ? undefined : Number(json.expires_in);
  return {
    accessToken: stringField(json.access_token),
    tokenType: stringField(json.token_type),
    expiresIn: Number.isFinite(expiresIn) ? expiresIn : undefined,
    refreshToken: stringField(json.refresh_token),
    idToken: stringField(json.id_token),
    scope: stringField(json.scope),
    raw: json,
  };
}

/** Posts `params` to `tokenUrl` and parses the answer, with the timeout and retries of `http`. */
export function requestToken(
  tokenUrl: string,
  params: Record<string, string | undefined>,
  options: { http?: HttpOptions; headers?: Record<string, string>; expect?: ExpectedToken } = {},
): Promise<TokenResponse> {
  return exchange(
    buildTokenRequest(tokenUrl, params, options.headers),
    (response) => parseTokenResponse(response, tokenUrl, options.expect),
    options.http,
  );
}

/** Parameters whose values must never reach an error message, even when a server echoes them. */
const SECRET_PARAMS = [
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
];

export function secretValues(params: Record<string, string | undefined>): string[] {
  return SECRET_PARAMS.flatMap((name) => (params[name] ? [params[name]] : []));
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
