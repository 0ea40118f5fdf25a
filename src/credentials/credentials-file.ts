import { InvalidCredentialsError, InvalidOptionsError } from '../errors.js';
import { readRegularFile } from '../platform/regular-file.js';

/** A parsed credentials JSON object, before it is checked field by field. */
export type CredentialsJson = Record<string, unknown>;

/** Credentials files are a few kilobytes; anything far larger is not one. */
export const MAX_CREDENTIALS_FILE_BYTES = 1024 * 1024;

const P12_FIX =
  'P12 keys are not supported; create a JSON key instead: `gcloud iam service-accounts keys create key.json --iam-account=EMAIL`, or in the Cloud console, IAM & Admin > Service Accounts > Keys > Add key > JSON';

/**
 * Reads and parses a credentials JSON file. Every failure (no file, a directory, a FIFO or
 * device, an empty or oversized file, a P12 key, malformed JSON, JSON that is not an object) is
 * an {@link InvalidCredentialsError} naming the file. JSON text passed where a path belongs is
 * refused without being quoted, since it holds a key or a secret.
 */
export async function readCredentialsFile(path: string): Promise<CredentialsJson> {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidOptionsError('a credentials file path must be a non-empty string');
  }
  if (looksLikeJsonText(path)) {
    throw new InvalidCredentialsError(
      'a credentials file path was expected, but JSON text was given (pass the parsed object to fromJson() or credentialsFromJson(), or write it to a file)',
      { source: 'JSON text given as a path' },
    );
  }
  const bytes = await readRegularFile(path, MAX_CREDENTIALS_FILE_BYTES);
  if (isP12(path, bytes)) {
    throw new InvalidCredentialsError(`credentials file ${path} is a P12 key: ${P12_FIX}`, {
      source: path,
    });
  }
  return parseCredentialsJson(new TextDecoder().decode(bytes), path);
}

function looksLikeJsonText(path: string): boolean {
  const start = path.trimStart();
  return start.startsWith('{') || start.startsWith('[') || path.includes('\n');
}

/** A PKCS #12 file: named .p12/.pfx, or DER (a SEQUENCE with a long-form length) where JSON starts with text. */
function isP12(path: string, bytes: Uint8Array): boolean {
  return (
    /\.(p12|pfx)$/i.test(path) || (bytes[0] === 0x30 && bytes[1] !== undefined && bytes[1] >= 0x80)
  );
}

/** Parses credentials JSON text; `source` names it in errors. */
export function parseCredentialsJson(text: string, source: string): CredentialsJson {
  if (text.trim() === '') {
    throw new InvalidCredentialsError(`credentials file ${source} is empty`, { source });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidCredentialsError(
      `credentials file ${source} is not valid JSON (download the file again)`,
      { source },
    );
  }
  return requireObject(json, source);
}

export function requireObject(json: unknown, source: string): CredentialsJson {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InvalidCredentialsError(`credentials ${source} must be a JSON object`, { source });
  }
  return json as CredentialsJson;
}

/** A required non-empty string field; the error names the source, the field and the fix. */
export function requireString(
  json: CredentialsJson,
  field: string,
  source: string,
  fix: string,
): string {
  const value = json[field];
  if (typeof value !== 'string' || value === '') {
    const problem = value === undefined ? 'is missing' : 'must be a non-empty string';
    throw new InvalidCredentialsError(`${source}: field ${field} ${problem} (${fix})`, {
      source,
      field,
    });
  }
  return value;
}

/** An optional string field: undefined when absent, an error when present but not a string. */
export function optionalString(
  json: CredentialsJson,
  field: string,
  source: string,
): string | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidCredentialsError(`${source}: field ${field} must be a string`, {
      source,
      field,
    });
  }
  return value === '' ? undefined : value;
}

/** Checks `json.type` is `expected`; the error lists what was found. */
export function requireType(json: CredentialsJson, expected: string, source: string): void {
  if (json.type !== expected) {
    const found = describeFound(json).what;
    throw new InvalidCredentialsError(
      `${source}: expected a credentials file of type '${expected}' but found ${found}`,
      { source, field: 'type' },
    );
  }
}

/**
 * What a credentials JSON object with the wrong `type` is, for an error message: its type, and
 * a pointer for files that are often given by mistake.
 */
export function describeFound(json: CredentialsJson): { verb: 'is' | 'has'; what: string } {
  if (json.type === undefined && (isObject(json.installed) || isObject(json.web))) {
    return {
      verb: 'is',
      what: 'an OAuth client secrets file, which names an app, not an identity to act as (log in with it: `warrant login --client-secrets FILE`, or download a service account key)',
    };
  }
  return {
    verb: 'has',
    what: json.type === undefined ? 'no type field' : `type ${describeType(json.type)}`,
  };
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A `type` value as an error message may show it: a string quoted and cut short, anything else
 * by its kind (converting an object could throw, or run its own code).
 */
export function describeType(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `'${JSON.stringify(cut).slice(1, -1)}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `'${String(value)}'`;
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
  return `${kind} (it must be a string)`;
}

/** Throws for the first of `fields` (option name → file field) that `options` lacks. */
export function requireOptions<T extends object>(
  options: T,
  fields: readonly (readonly [keyof T & string, string])[],
  source: string,
  fix: string,
): void {
  for (const [option, field] of fields) {
    if (!options[option]) {
      throw new InvalidCredentialsError(`${source}: field ${field} is missing (${fix})`, {
        source,
        field,
      });
    }
  }
}
