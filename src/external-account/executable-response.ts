/**
 * The JSON an executable-sourced credential prints (and may cache in its output file), parsed
 * in one place: version 1, `success`, a token of `token_type` with `expiration_time`, or an error
 * `code` and `message`.
 */
import { SubjectTokenError } from '../errors.js';
import { TOKEN_TYPES } from '../oauth/token-exchange.js';

/** The newest executable response version this library understands. */
export const EXECUTABLE_RESPONSE_VERSION = 1;

export interface ExecutableToken {
  token: string;
  tokenType: string;
  /** Epoch seconds; undefined when the executable gave none. */
  expirationTime?: number;
}

const TOKEN_FIELD: Readonly<Record<string, string>> = {
  [TOKEN_TYPES.jwt]: 'id_token',
  [TOKEN_TYPES.idToken]: 'id_token',
  [TOKEN_TYPES.saml2]: 'saml_response',
};

/** What an executable reported instead of a token: its error response. */
export interface ExecutableFailure {
  code: string;
  message: string;
}

/** Parses an executable response from `source`; error responses become typed errors. */
export function parseExecutableResponse(text: string, source: string): ExecutableToken {
  const response = readExecutableResponse(text, source);
  if ('token' in response) return response;
  throw new SubjectTokenError(
    `executable ${source} reported failure ${response.code}: ${response.message} (fix what the executable reports, then retry)`,
    source,
  );
}

/**
 * Parses an executable response from `source` into its token or its error response; a response
 * that is neither is a typed error.
 */
export function readExecutableResponse(
  text: string,
  source: string,
): ExecutableToken | ExecutableFailure {
  const fail = (problem: string) =>
    new SubjectTokenError(
      `executable response from ${source} ${problem} (the executable must print the documented JSON response, version ${EXECUTABLE_RESPONSE_VERSION})`,
      source,
    );
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('');
    json = parsed as Record<string, unknown>;
  } catch {
    throw fail('is not a JSON object');
  }
  const version = json.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw fail('has no valid version');
  }
  if (version > EXECUTABLE_RESPONSE_VERSION) {
    throw fail(`has version ${version}, newer than this library supports; update warrant`);
  }
  if (typeof json.success !== 'boolean') throw fail('has no boolean success field');
  if (!json.success) {
    const code = shortText(json.code);
    const message = shortText(json.message);
    if (code === undefined || message === undefined)
      throw fail('reports failure without code and message');
    return { code, message };
  }
  const tokenType = json.token_type;
  const field = typeof tokenType === 'string' ? TOKEN_FIELD[tokenType] : undefined;
  if (field === undefined || typeof tokenType !== 'string') {
    throw fail(
      `has token_type ${JSON.stringify(shortText(tokenType) ?? null)}; expected one of ${Object.keys(TOKEN_FIELD).join(', ')}`,
    );
  }
  const token = json[field];
  if (typeof token !== 'string' || token === '') throw fail(`has no ${field}`);
  const expiration = json.expiration_time;
  if (
    expiration !== undefined &&
    (typeof expiration !== 'number' || !Number.isFinite(expiration))
  ) {
    throw fail('has an expiration_time that is not a number of seconds');
  }
  return { token, tokenType, expirationTime: expiration };
}

/** Short text from the executable; a long or non-string field is not echoed. */
function shortText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 200) : undefined;
}
