/**
 * What every subject-token source is: something that, asked with the audience and token type,
 * answers the token to exchange at STS. File, URL, executable, AWS and certificate sources
 * implement it; so does any object a program passes as `subjectTokenSupplier`.
 */
import { SubjectTokenError } from '../errors.js';

const UTF8 = new TextEncoder();

/** What a source is told when asked for a subject token. */
export interface SubjectTokenContext {
  /** The workload or workforce pool provider, `//iam.googleapis.com/...`. */
  audience: string;
  /** The `subject_token_type` the token will be exchanged as. */
  subjectTokenType: string;
}

/**
 * Supplies subject tokens, e.g. from a CI system's SDK.
 *
 * @example
 * ```ts
 * const supplier: SubjectTokenSupplier = {
 *   getSubjectToken: async ({ audience }) => myCi.idToken(audience),
 * };
 * ```
 */
export interface SubjectTokenSupplier {
  getSubjectToken(context: SubjectTokenContext): Promise<string>;
}

/** How a file or URL holds the token: the whole text, or one field of a JSON object. */
export type SubjectTokenFormat = { type: 'text' } | { type: 'json'; subjectTokenFieldName: string };

/** Subject tokens (JWTs, SAML assertions) are far smaller; anything larger is refused unparsed. */
export const MAX_SUBJECT_TOKEN_BYTES = 256 * 1024;

/** The subject token in `text` read from `source`, per `format`. */
export function subjectTokenFrom(text: string, format: SubjectTokenFormat, source: string): string {
  // UTF-8 takes at most three bytes per UTF-16 unit: only text that may be too large is encoded.
  if (
    text.length > MAX_SUBJECT_TOKEN_BYTES / 3 &&
    UTF8.encode(text).length > MAX_SUBJECT_TOKEN_BYTES
  ) {
    throw tooLarge(source);
  }
  if (format.type === 'text') {
    const token = text.trim();
    if (token === '') {
      throw new SubjectTokenError(
        `subject token source ${source} is empty (check that the identity provider wrote its token there)`,
        source,
      );
    }
    return token;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SubjectTokenError(
      `subject token source ${source} is not JSON, but credential_source.format.type is 'json' (set the format to 'text', or fix the source)`,
      source,
    );
  }
  const field = format.subjectTokenFieldName;
  const token =
    json !== null && typeof json === 'object'
      ? (json as Record<string, unknown>)[field]
      : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new SubjectTokenError(
      `subject token source ${source} has no string field '${field}' (check credential_source.format.subject_token_field_name)`,
      source,
    );
  }
  return token;
}

/** The error for a source holding more than {@link MAX_SUBJECT_TOKEN_BYTES}. */
export function tooLarge(source: string): SubjectTokenError {
  return new SubjectTokenError(
    `subject token source ${source} holds more than ${MAX_SUBJECT_TOKEN_BYTES} bytes (point credential_source at the token itself)`,
    source,
  );
}
