import { TokenResponseError } from '../errors.js';
import { responseError } from '../http/response-error.js';
import { describeUrl } from '../http/send.js';
import type { HttpResponse } from '../http/types.js';

/** An introspection response (RFC 7662 §2.2), in camelCase. Only `active` is always present. */
export interface TokenIntrospection {
  active: boolean;
  scopes?: string[];
  clientId?: string;
  username?: string;
  tokenType?: string;
  /** Epoch seconds. */
  exp?: number;
  /** Epoch seconds. */
  iat?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  /** The whole response body, for provider-specific fields. */
  raw: Record<string, unknown>;
}

/** The form parameters of an introspection request (RFC 7662 §2.1), before client authentication. */
export function introspectionParams(token: string, hint?: string): Record<string, string> {
  return hint ? { token, token_type_hint: hint } : { token };
}

/** Reads an introspection response; `active` must be a boolean. */
export function parseIntrospectionResponse(
  response: HttpResponse,
  url: string,
): TokenIntrospection {
  if (response.status !== 200) throw responseError(response, url, 'token introspection');
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(response.body) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== 'object' || typeof json.active !== 'boolean') {
    throw new TokenResponseError(
      `introspection endpoint ${describeUrl(url)} answered without a boolean active`,
      describeUrl(url),
    );
  }
  const string = (name: string) => (typeof json[name] === 'string' ? json[name] : undefined);
  const number = (name: string) => (typeof json[name] === 'number' ? json[name] : undefined);
  const aud = json.aud;
  return {
    active: json.active,
    scopes: string('scope')?.split(' ').filter(Boolean),
    clientId: string('client_id'),
    username: string('username'),
    tokenType: string('token_type'),
    exp: number('exp'),
    iat: number('iat'),
    sub: string('sub'),
    aud: typeof aud === 'string' || Array.isArray(aud) ? (aud as string | string[]) : undefined,
    iss: string('iss'),
    raw: json,
  };
}
