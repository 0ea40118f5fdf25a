/** The snake_case of `impersonated_service_account` files, parsed in this one place. */
import { InvalidCredentialsError } from '../errors.js';
import {
  optionalString,
  requireString,
  requireType,
  type CredentialsJson,
} from './credentials-file.js';

/**
 * The source credential types an `impersonated_service_account` file may hold: gcloud writes a
 * user, a service account, or a workforce user (`external_account_authorized_user`, after
 * `gcloud auth login --login-config`); a workload identity configuration is accepted too.
 */
export const IMPERSONATION_SOURCE_TYPES: readonly string[] = [
  'authorized_user',
  'service_account',
  'external_account',
  'external_account_authorized_user',
];

/** The fields of an `impersonated_service_account` file, as options plus the source's JSON. */
export interface ImpersonatedServiceAccountFile {
  targetPrincipal: string;
  iamEndpoint: string;
  delegates: string[];
  scopes?: string[];
  quotaProjectId?: string;
  universeDomain?: string;
  sourceJson: CredentialsJson;
}

/**
 * Reads an `impersonated_service_account` file as `gcloud auth application-default login
 * --impersonate-service-account` writes it: the target from `service_account_impersonation_url`,
 * the caller in `source_credentials`, `delegates`, and `scopes` when present.
 */
export function parseImpersonatedServiceAccountFile(
  json: CredentialsJson,
  source: string,
): ImpersonatedServiceAccountFile {
  requireType(json, 'impersonated_service_account', source);
  const fix = 'run `gcloud auth application-default login --impersonate-service-account=EMAIL`';
  const url = requireString(json, 'service_account_impersonation_url', source, fix);
  const { endpoint, account } = parseImpersonationUrl(url, source);
  const sourceJson = json.source_credentials as CredentialsJson;
  if (sourceJson === null || typeof sourceJson !== 'object' || Array.isArray(sourceJson)) {
    throw new InvalidCredentialsError(
      `${source}: field source_credentials must be the caller's credentials as a JSON object (${fix})`,
      { source, field: 'source_credentials' },
    );
  }
  if (!IMPERSONATION_SOURCE_TYPES.includes(sourceJson.type as string)) {
    const found = sourceJson.type === undefined ? 'no type' : `type '${String(sourceJson.type)}'`;
    throw new InvalidCredentialsError(
      `${source}: source_credentials has ${found}; it must be one of ${IMPERSONATION_SOURCE_TYPES.join(', ')} (${fix})`,
      { source, field: 'source_credentials.type' },
    );
  }
  return {
    targetPrincipal: account,
    iamEndpoint: endpoint,
    delegates: stringList(json, 'delegates', source) ?? [],
    scopes: stringList(json, 'scopes', source),
    quotaProjectId: optionalString(json, 'quota_project_id', source),
    universeDomain: optionalString(json, 'universe_domain', source),
    sourceJson,
  };
}

const IMPERSONATION_PATH = '/v1/projects/-/serviceAccounts/';
const GENERATE_ACCESS_TOKEN = ':generateAccessToken';

/** `https://host/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken` → endpoint and email. */
export function parseImpersonationUrl(
  text: string,
  source: string,
): { endpoint: string; account: string } {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const path = url?.pathname ?? '';
  const at = path.indexOf(IMPERSONATION_PATH);
  const account =
    at >= 0 && path.endsWith(GENERATE_ACCESS_TOKEN)
      ? safeDecode(path.slice(at + IMPERSONATION_PATH.length, -GENERATE_ACCESS_TOKEN.length))
      : '';
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !account) {
    throw new InvalidCredentialsError(
      `${source}: field service_account_impersonation_url must look like https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken`,
      { source, field: 'service_account_impersonation_url' },
    );
  }
  return { endpoint: `${url.origin}${path.slice(0, at)}`, account };
}

function safeDecode(text: string): string {
  try {
    const decoded = decodeURIComponent(text);
    return /[\s/]/.test(decoded) ? '' : decoded;
  } catch {
    return '';
  }
}

function stringList(json: CredentialsJson, field: string, source: string): string[] | undefined {
  const value = json[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw new InvalidCredentialsError(`${source}: field ${field} must be a list of strings`, {
      source,
      field,
    });
  }
  return value as string[];
}
