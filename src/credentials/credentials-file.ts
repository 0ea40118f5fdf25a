import { readFile } from 'node:fs/promises';
import { InvalidCredentialsError } from '../errors.js';

/** A parsed credentials JSON object, before it is checked field by field. */
export type CredentialsJson = Record<string, unknown>;

/**
 * Reads and parses a credentials JSON file. Every failure (no file, a directory, an empty file,
 * malformed JSON, JSON that is not an object) is an {@link InvalidCredentialsError} naming the file.
 */
export async function readCredentialsFile(path: string): Promise<CredentialsJson> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : code === 'EACCES'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? 'unknown error'})`;
    throw new InvalidCredentialsError(`credentials file ${path} ${reason}`, { source: path });
  }
  return parseCredentialsJson(text, path);
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
    const found = json.type === undefined ? 'no type field' : `type '${String(json.type)}'`;
    throw new InvalidCredentialsError(
      `${source}: expected a credentials file of type '${expected}' but found ${found}`,
      { source, field: 'type' },
    );
  }
}
