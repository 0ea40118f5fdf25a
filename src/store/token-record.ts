import { InvalidCredentialsError, InvalidOptionsError } from '../errors.js';
import type { OAuthTokens } from '../oauth/tokens.js';

/**
 * The one record format of a {@link TokenStore} entry, for user credentials and provider
 * sessions alike: snake_case token fields (`access_token`, `refresh_token`, `id_token`,
 * `token_type`, `expiry` as ISO 8601, `scopes` as an array), plus the `authorized_user` fields
 * when the record holds user credentials.
 */
export interface TokenRecordFields {
  accessToken?: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  scopes?: readonly string[];
}

/** Writes `fields` into a record (on top of `base`, e.g. `authorized_user` JSON). */
export function tokenRecord(
  fields: TokenRecordFields,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const record: Record<string, unknown> = { ...base };
  if (fields.accessToken) {
    record.access_token = fields.accessToken;
    record.token_type = 'Bearer';
  }
  if (fields.expiresAt !== undefined) record.expiry = new Date(fields.expiresAt).toISOString();
  if (fields.refreshToken) record.refresh_token = fields.refreshToken;
  if (fields.idToken) record.id_token = fields.idToken;
  if (fields.scopes && fields.scopes.length > 0) record.scopes = [...fields.scopes];
  return record;
}

/**
 * Reads the token fields of a record: the one place they are parsed. Also reads what 0.1.0's
 * `ProviderSession` wrote (`expires_at` in epoch seconds, `scope` space-separated), so sessions
 * saved before the upgrade still load.
 */
export function readTokenRecord(
  record: Record<string, unknown>,
  source: string,
): TokenRecordFields {
  const bad = (field: string) =>
    new InvalidCredentialsError(`${source}: field ${field} is malformed (log in again)`, {
      source,
      field,
    });
  const text = (field: string): string | undefined => {
    const value = record[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw bad(field);
    return value || undefined;
  };
  let expiresAt: number | undefined;
  if (record.expiry !== undefined) {
    expiresAt = typeof record.expiry === 'string' ? Date.parse(record.expiry) : NaN;
    if (!Number.isFinite(expiresAt)) throw bad('expiry');
  } else if (record.expires_at !== undefined) {
    const seconds = record.expires_at;
    if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
      throw bad('expires_at');
    }
    expiresAt = seconds * 1000;
  }
  let scopes: string[] | undefined;
  if (record.scopes !== undefined) {
    if (!Array.isArray(record.scopes) || record.scopes.some((s) => typeof s !== 'string')) {
      throw bad('scopes');
    }
    scopes = record.scopes as string[];
  } else if (record.scope !== undefined) {
    scopes = (text('scope') ?? '').split(' ').filter(Boolean);
  }
  return {
    accessToken: text('access_token'),
    expiresAt,
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    scopes,
  };
}

/** Tokens as a token-store record; see {@link TokenRecordFields} for the format. */
export function tokensToJson(tokens: OAuthTokens): Record<string, unknown> {
  if (typeof tokens?.accessToken !== 'string') {
    throw new InvalidOptionsError('tokensToJson needs tokens with an accessToken string');
  }
  return tokenRecord(tokens);
}

/**
 * Reads a token-store record (also one written by 0.1.0); undefined when it holds no access
 * token. Throws `ERR_INVALID_CREDENTIALS` for a malformed field.
 */
export function tokensFromJson(
  json: Record<string, unknown>,
  source = 'token record',
): OAuthTokens | undefined {
  const fields = readTokenRecord(json, source);
  if (!fields.accessToken) return undefined;
  return {
    accessToken: fields.accessToken,
    tokenType: 'Bearer',
    expiresAt: fields.expiresAt,
    refreshToken: fields.refreshToken,
    idToken: fields.idToken,
    scopes: fields.scopes && [...fields.scopes],
    raw: json,
  };
}
