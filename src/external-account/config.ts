/**
 * The `external_account` credentials file (workload and workforce identity federation), parsed
 * in this one place from snake_case into {@link ExternalAccountOptions}.
 */
import { InvalidCredentialsError } from '../errors.js';
import {
  optionalString,
  requireObject,
  requireString,
  requireType,
  type CredentialsJson,
} from '../credentials/credentials-file.js';
import type { CredentialsOptions } from '../credentials/credentials.js';
import type { Environment } from '../metadata/environment.js';
import type { AwsSecurityCredentialsSupplier } from './aws-source.js';
import type { SubjectTokenFormat, SubjectTokenSupplier } from './subject-token.js';

export const DEFAULT_EXECUTABLE_TIMEOUT_MS = 30_000;
export const MIN_EXECUTABLE_TIMEOUT_MS = 5_000;
export const MAX_EXECUTABLE_TIMEOUT_MS = 120_000;

const FIX =
  'download the credential configuration again, e.g. `gcloud iam workload-identity-pools create-cred-config`';

/** Where the subject token comes from, as the file's `credential_source` says. */
export type CredentialSource =
  | { kind: 'file'; file: string; format: SubjectTokenFormat }
  | { kind: 'url'; url: string; headers: Record<string, string>; format: SubjectTokenFormat }
  | { kind: 'executable'; command: string; timeoutMs: number; outputFile?: string }
  | {
      kind: 'aws';
      regionUrl?: string;
      credentialsUrl?: string;
      regionalCredVerificationUrl: string;
      imdsv2SessionTokenUrl?: string;
    }
  | {
      kind: 'certificate';
      useDefaultCertificateConfig: boolean;
      certificateConfigLocation?: string;
      trustChainPath?: string;
    };

/** Options for {@link ExternalAccountCredentials}. Exactly one token source must be given. */
export interface ExternalAccountOptions extends CredentialsOptions {
  /** The pool provider: `//iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/Q`. */
  audience: string;
  /** e.g. `urn:ietf:params:oauth:token-type:jwt`. */
  subjectTokenType: string;
  /** STS token endpoint. Default `https://sts.{universeDomain}/v1/token`. */
  tokenUrl?: string;
  credentialSource?: CredentialSource;
  /** A program's own subject tokens, instead of `credentialSource`. */
  subjectTokenSupplier?: SubjectTokenSupplier;
  /** A program's own AWS region and credentials, instead of `credentialSource`. */
  awsSecurityCredentialsSupplier?: AwsSecurityCredentialsSupplier;
  /** IAM `generateAccessToken` URL of the service account to impersonate after STS. */
  serviceAccountImpersonationUrl?: string;
  /** Lifetime of impersonated tokens, 600 to 43 200 seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Workforce pools: the project billed for STS, sent as `options.userProject`. */
  workforcePoolUserProject?: string;
  /** An OAuth client authenticating to STS with HTTP Basic. */
  clientId?: string;
  clientSecret?: string;
  /** Where to introspect STS tokens. */
  tokenInfoUrl?: string;
  /**
   * Cloud Resource Manager's projects, asked for the project (`cloud_resource_manager_url`).
   * Default `https://cloudresourcemanager.{universeDomain}/v1/projects/`.
   */
  resourceManagerUrl?: string;
  /** Extra CA certificates (PEM) trusted for a mutual-TLS STS endpoint, e.g. a private one. */
  stsCa?: string;
  /** The environment executables and AWS read. Default `process.env`. */
  env?: Environment;
  /** Names the credentials in error messages (a file path). */
  source?: string;
}

const WORKFORCE_AUDIENCE =
  /^\/\/iam\.[^/]+\/locations\/[^/]+\/workforcePools\/[^/]+\/providers\/[^/]+$/;

/** True when `audience` names a workforce pool provider. */
export function isWorkforceAudience(audience: string): boolean {
  return WORKFORCE_AUDIENCE.test(audience);
}

/** Reads an `external_account` JSON object. */
export function parseExternalAccount(
  json: CredentialsJson,
  source: string,
): ExternalAccountOptions {
  requireType(json, 'external_account', source);
  const audience = requireString(json, 'audience', source, FIX);
  const impersonation = optionalObject(json, 'service_account_impersonation', source);
  const lifetime = impersonation?.token_lifetime_seconds;
  if (lifetime !== undefined && (typeof lifetime !== 'number' || !Number.isInteger(lifetime))) {
    throw invalid(
      source,
      'service_account_impersonation.token_lifetime_seconds',
      'must be an integer number of seconds',
    );
  }
  return {
    audience,
    subjectTokenType: requireString(json, 'subject_token_type', source, FIX),
    tokenUrl: optionalString(json, 'token_url', source),
    credentialSource: parseCredentialSource(json.credential_source, source),
    serviceAccountImpersonationUrl: optionalString(
      json,
      'service_account_impersonation_url',
      source,
    ),
    tokenLifetimeSeconds: lifetime,
    workforcePoolUserProject: optionalString(json, 'workforce_pool_user_project', source),
    clientId: optionalString(json, 'client_id', source),
    clientSecret: optionalString(json, 'client_secret', source),
    tokenInfoUrl: optionalString(json, 'token_info_url', source),
    resourceManagerUrl: optionalString(json, 'cloud_resource_manager_url', source),
    quotaProjectId: optionalString(json, 'quota_project_id', source),
    universeDomain: optionalString(json, 'universe_domain', source),
  };
}

function parseCredentialSource(value: unknown, source: string): CredentialSource {
  if (value === undefined) throw invalid(source, 'credential_source', `is missing (${FIX})`);
  const cs = requireObject(value, `${source}: credential_source`);
  const where = `${source}: credential_source`;
  // An AWS source (environment_id) uses `url` for its role endpoint, not as a token URL.
  const kinds = ['file', 'url', 'executable', 'environment_id', 'certificate'].filter(
    (key) => cs[key] !== undefined && !(key === 'url' && cs.environment_id !== undefined),
  );
  if (kinds.length !== 1) {
    throw invalid(
      source,
      'credential_source',
      `must have exactly one of file, url, executable, environment_id or certificate, found ${kinds.length === 0 ? 'none' : kinds.join(' and ')} (${FIX})`,
    );
  }
  switch (kinds[0]) {
    case 'file':
      return {
        kind: 'file',
        file: requireString(cs, 'file', where, FIX),
        format: parseFormat(cs, source),
      };
    case 'url':
      return {
        kind: 'url',
        url: requireString(cs, 'url', where, FIX),
        headers: parseHeaders(cs.headers, source),
        format: parseFormat(cs, source),
      };
    case 'executable':
      return parseExecutable(cs.executable, source);
    case 'environment_id':
      return parseAws(cs, source);
    default:
      return parseCertificate(cs.certificate, source);
  }
}

function parseFormat(cs: CredentialsJson, source: string): SubjectTokenFormat {
  if (cs.format === undefined) return { type: 'text' };
  const format = requireObject(cs.format, `${source}: credential_source.format`);
  const type = format.type ?? 'text';
  if (type === 'text') return { type: 'text' };
  if (type !== 'json') {
    throw invalid(
      source,
      'credential_source.format.type',
      `must be 'text' or 'json', got ${JSON.stringify(type)}`,
    );
  }
  return {
    type: 'json',
    subjectTokenFieldName: requireString(
      format,
      'subject_token_field_name',
      `${source}: credential_source.format`,
      "name the JSON field that holds the token, e.g. 'id_token'",
    ),
  };
}

function parseHeaders(value: unknown, source: string): Record<string, string> {
  if (value === undefined) return {};
  const headers = requireObject(value, `${source}: credential_source.headers`);
  for (const [name, header] of Object.entries(headers)) {
    if (typeof header !== 'string')
      throw invalid(source, `credential_source.headers.${name}`, 'must be a string');
  }
  return headers as Record<string, string>;
}

function parseExecutable(value: unknown, source: string): CredentialSource {
  const where = `${source}: credential_source.executable`;
  const executable = requireObject(value, where);
  const timeout = executable.timeout_millis ?? DEFAULT_EXECUTABLE_TIMEOUT_MS;
  if (
    typeof timeout !== 'number' ||
    !Number.isInteger(timeout) ||
    timeout < MIN_EXECUTABLE_TIMEOUT_MS ||
    timeout > MAX_EXECUTABLE_TIMEOUT_MS
  ) {
    throw invalid(
      source,
      'credential_source.executable.timeout_millis',
      `must be an integer from ${MIN_EXECUTABLE_TIMEOUT_MS} to ${MAX_EXECUTABLE_TIMEOUT_MS}`,
    );
  }
  return {
    kind: 'executable',
    command: requireString(
      executable,
      'command',
      where,
      'give the full command line of the executable',
    ),
    timeoutMs: timeout,
    outputFile: optionalString(executable, 'output_file', where),
  };
}

function parseAws(cs: CredentialsJson, source: string): CredentialSource {
  const where = `${source}: credential_source`;
  const environment = requireString(cs, 'environment_id', where, FIX);
  const match = /^aws(\d{1,3})$/.exec(environment);
  if (!match)
    throw invalid(
      source,
      'credential_source.environment_id',
      `'${environment.slice(0, 20)}' is not supported; only 'aws1' is`,
    );
  if (match[1] !== '1')
    throw invalid(
      source,
      'credential_source.environment_id',
      `aws version ${match[1]} is not supported; only 'aws1' is (update warrant)`,
    );
  return {
    kind: 'aws',
    regionUrl: optionalString(cs, 'region_url', where),
    credentialsUrl: optionalString(cs, 'url', where),
    regionalCredVerificationUrl: requireString(cs, 'regional_cred_verification_url', where, FIX),
    imdsv2SessionTokenUrl: optionalString(cs, 'imdsv2_session_token_url', where),
  };
}

function parseCertificate(value: unknown, source: string): CredentialSource {
  const where = `${source}: credential_source.certificate`;
  const certificate = requireObject(value, where);
  const useDefault = certificate.use_default_certificate_config;
  if (useDefault !== undefined && typeof useDefault !== 'boolean') {
    throw invalid(
      source,
      'credential_source.certificate.use_default_certificate_config',
      'must be true or false',
    );
  }
  const location = optionalString(certificate, 'certificate_config_location', where);
  if ((useDefault === true) === (location !== undefined)) {
    throw invalid(
      source,
      'credential_source.certificate',
      'needs either use_default_certificate_config: true or a certificate_config_location, not both',
    );
  }
  return {
    kind: 'certificate',
    useDefaultCertificateConfig: useDefault === true,
    certificateConfigLocation: location,
    trustChainPath: optionalString(certificate, 'trust_chain_path', where),
  };
}

function optionalObject(
  json: CredentialsJson,
  field: string,
  source: string,
): CredentialsJson | undefined {
  return json[field] === undefined ? undefined : requireObject(json[field], `${source}: ${field}`);
}

function invalid(source: string, field: string, problem: string): InvalidCredentialsError {
  return new InvalidCredentialsError(`${source}: field ${field} ${problem}`, { source, field });
}
