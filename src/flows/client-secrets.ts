import { InvalidCredentialsError } from '../errors.js';
import {
  optionalString,
  readCredentialsFile,
  requireObject,
  requireString,
  type CredentialsJson,
} from '../credentials/credentials-file.js';
import { GOOGLE_AUTH_URL, GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';

const FIX =
  'download the OAuth client JSON again from the Cloud console, APIs & Services > Credentials';

/** An OAuth client as described by a Google client secrets file, in camelCase. */
export interface ClientConfig {
  /** `installed` (desktop, CLI) or `web` (server-side) client. */
  kind: 'installed' | 'web';
  clientId: string;
  /** Absent for public clients. */
  clientSecret?: string;
  /** Authorization endpoint; Google's when the file names none. */
  authUri: string;
  /** Token endpoint; Google's when the file names none. */
  tokenUri: string;
  /** Redirect URIs registered for the client. */
  redirectUris: string[];
  /** Revocation endpoint, when the file names one (an extension; Google's files do not). */
  revokeUri?: string;
  /** Token-info endpoint, when the file names one (an extension). */
  tokenInfoUri?: string;
  /** Device authorization endpoint, when the file names one (an extension). */
  deviceAuthorizationUri?: string;
  projectId?: string;
}

/**
 * Reads a Google client secrets file (`{"installed": {...}}` or `{"web": {...}}`), as downloaded
 * from the Cloud console.
 *
 * @example
 * ```ts
 * const client = await readClientSecretsFile('client_secret.json');
 * console.log(client.kind, client.clientId);
 * ```
 */
export async function readClientSecretsFile(path: string): Promise<ClientConfig> {
  return parseClientSecrets(await readCredentialsFile(path), path);
}

/**
 * Parses a client secrets JSON object: the one place its snake_case fields are read. `source`
 * names it in errors (a file path, say).
 */
export function parseClientSecrets(json: unknown, source = 'client secrets'): ClientConfig {
  const outer = requireObject(json, source);
  const kind =
    outer.installed !== undefined ? 'installed' : outer.web !== undefined ? 'web' : undefined;
  if (kind === undefined) {
    throw new InvalidCredentialsError(
      `${source}: expected an OAuth client secrets file with an "installed" or "web" section but found ${describeKeys(outer)} (${FIX})`,
      { source, field: 'installed' },
    );
  }
  const section = sectionObject(outer[kind], source, kind);
  const where = `${source} (${kind})`;
  return {
    kind,
    clientId: requireString(section, 'client_id', where, FIX),
    clientSecret:
      kind === 'web'
        ? requireString(section, 'client_secret', where, FIX)
        : optionalString(section, 'client_secret', where),
    authUri: optionalString(section, 'auth_uri', where) ?? GOOGLE_AUTH_URL,
    tokenUri: optionalString(section, 'token_uri', where) ?? GOOGLE_TOKEN_URL,
    redirectUris: stringList(section, 'redirect_uris', where),
    revokeUri: optionalString(section, 'revoke_uri', where),
    tokenInfoUri: optionalString(section, 'token_info_uri', where),
    deviceAuthorizationUri: optionalString(section, 'device_authorization_uri', where),
    projectId: optionalString(section, 'project_id', where),
  };
}

function sectionObject(value: unknown, source: string, kind: string): CredentialsJson {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidCredentialsError(`${source}: field ${kind} must be a JSON object (${FIX})`, {
      source,
      field: kind,
    });
  }
  return value as CredentialsJson;
}

function stringList(json: CredentialsJson, field: string, source: string): string[] {
  const value = json[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidCredentialsError(`${source}: field ${field} must be an array of strings`, {
      source,
      field,
    });
  }
  return value as string[];
}

function describeKeys(json: CredentialsJson): string {
  if (typeof json.type === 'string') return `a credentials file of type '${json.type}'`;
  const keys = Object.keys(json);
  return keys.length === 0 ? 'an empty object' : `the keys ${keys.slice(0, 5).join(', ')}`;
}
