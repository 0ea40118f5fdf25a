import { InvalidCredentialsError } from '../errors.js';
import { CLOUD_PLATFORM_SCOPE } from '../oauth/google-endpoints.js';
import { ServiceAccountCredentials } from '../service-account/service-account-credentials.js';
import type { Credentials, CredentialsOptions } from '../credentials/credentials.js';
import {
  describeFound,
  readCredentialsFile,
  requireObject,
  type CredentialsJson,
} from '../credentials/credentials-file.js';
import { ImpersonatedCredentials } from '../credentials/impersonated-credentials.js';
import { parseImpersonatedServiceAccountFile } from '../credentials/impersonated-credentials-file.js';
import { NODE_CREDENTIAL_TYPES } from './node-credential-types.js';
import { ExternalAccountCredentials } from '../external-account/external-account-credentials.js';
import { UserCredentials } from '../credentials/user-credentials.js';

/** Options applied to whatever credentials a file or JSON object turns out to hold. */
export interface LoadCredentialsOptions extends CredentialsOptions {
  /** Names the file or object in error messages. Default: the path, or `credentials JSON`. */
  source?: string;
}

export type CredentialsFactory = (
  json: CredentialsJson,
  options: LoadCredentialsOptions,
) => Credentials;

/** Credentials file `type` → how to build it. Supporting a new type is one line here. */
const FACTORIES: ReadonlyMap<string, CredentialsFactory> = new Map<string, CredentialsFactory>([
  ['service_account', (json, options) => ServiceAccountCredentials.fromJson(json, options)],
  ['authorized_user', (json, options) => UserCredentials.fromJson(json, options)],
  ['impersonated_service_account', impersonatedFromJson],
  ['external_account', (json, options) => ExternalAccountCredentials.fromJson(json, options)],
  ...NODE_CREDENTIAL_TYPES,
]);

/** The credentials file types {@link credentialsFromJson} accepts. */
export const SUPPORTED_CREDENTIALS_TYPES: readonly string[] = [...FACTORIES.keys()];

/**
 * Builds credentials from a parsed credentials JSON object, choosing the class by its `type`.
 * An unknown or missing `type` is an `ERR_INVALID_CREDENTIALS` naming the accepted types; the
 * file's `quota_project_id` and `universe_domain` are kept unless `options` override them.
 *
 * @example
 * ```ts
 * const credentials = credentialsFromJson(JSON.parse(process.env.GOOGLE_CREDENTIALS_JSON!), {
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * ```
 */
export function credentialsFromJson(
  json: unknown,
  options: LoadCredentialsOptions = {},
): Credentials {
  const source = options.source ?? 'credentials JSON';
  const object = requireObject(json, source);
  const factory = typeof object.type === 'string' ? FACTORIES.get(object.type) : undefined;
  if (!factory) {
    const { verb, what } = describeFound(object);
    throw new InvalidCredentialsError(
      `${source} ${verb} ${what}; warrant accepts ${SUPPORTED_CREDENTIALS_TYPES.map((t) => `'${t}'`).join(', ')} (use a service account key or run \`gcloud auth application-default login\`)`,
      { source, field: 'type' },
    );
  }
  return factory(object, { ...options, source });
}

/** The file's own settings, then `options`; the source is built through this same table. */
function impersonatedFromJson(
  json: CredentialsJson,
  options: LoadCredentialsOptions,
): ImpersonatedCredentials {
  const source = options.source ?? 'credentials JSON';
  const file = parseImpersonatedServiceAccountFile(json, source);
  // The caller lives in the file's universe unless its own JSON says otherwise.
  const sourceJson =
    file.universeDomain !== undefined && file.sourceJson.universe_domain === undefined
      ? { ...file.sourceJson, universe_domain: file.universeDomain }
      : file.sourceJson;
  const sourceCredentials = credentialsFromJson(sourceJson, {
    source: `${source} source_credentials`,
    scopes: [CLOUD_PLATFORM_SCOPE],
    http: options.http,
    clock: options.clock,
  });
  return new ImpersonatedCredentials({
    ...options,
    scopes: options.scopes ?? file.scopes,
    quotaProjectId: options.quotaProjectId ?? file.quotaProjectId,
    universeDomain: options.universeDomain ?? file.universeDomain,
    sourceCredentials,
    targetPrincipal: file.targetPrincipal,
    delegates: file.delegates,
    iamEndpoint: file.iamEndpoint,
  });
}

/**
 * Reads a credentials JSON file and builds the credentials its `type` names. A missing,
 * unreadable, empty or malformed file is an `ERR_INVALID_CREDENTIALS` naming the path.
 *
 * @example
 * ```ts
 * const credentials = await loadCredentialsFile('./key.json');
 * ```
 */
export async function loadCredentialsFile(
  path: string,
  options: LoadCredentialsOptions = {},
): Promise<Credentials> {
  const source = options.source ?? path;
  return credentialsFromJson(await readCredentialsFile(path), { ...options, source });
}
