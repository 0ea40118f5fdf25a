import { AuthError, InvalidCredentialsError } from '../errors.js';
import { definedOnly } from '../options.js';
import { apiClientHeader } from '../http/api-client-header.js';
import {
  ImpersonatedCredentials,
  type ImpersonatedIdTokenOptions,
} from '../credentials/impersonated-credentials.js';
import { parseImpersonationUrl } from '../credentials/impersonated-credentials-file.js';
import type { SignResult, SigningCredentials } from '../credentials/signing.js';
import { Credentials, type TokenResult } from '../credentials/credentials.js';
import { readCredentialsFile, requireObject } from '../credentials/credentials-file.js';
import { exchangeToken, type BasicClient } from '../oauth/token-exchange.js';
import type { TokenIntrospection } from '../oauth/introspection.js';
import { AwsSubjectTokenSource } from './aws-source.js';
import type { CertificateSubjectTokenSource } from './certificate-source.js';
import {
  isWorkforceAudience,
  parseExternalAccount,
  type ExternalAccountOptions,
} from './config.js';
import { nodeSubjectTokenSource, type NodeSubjectTokenSource } from './node-sources.js';
import { CLOUD_PLATFORM_SCOPE } from '../oauth/google-endpoints.js';
import { introspectStsToken, stsTokenUrl } from '../oauth/sts.js';
import type { SubjectTokenSupplier } from './subject-token.js';
import { UrlSubjectTokenSource } from './url-source.js';
import {
  audienceProjectNumber,
  buildProjectRequest,
  defaultResourceManagerUrl,
  parseProjectResponse,
} from './resource-manager.js';
import { exchange } from '../http/exchange.js';
import { checkHttpUrl } from '../http/send.js';

/**
 * Workload and workforce identity federation (`external_account`): a token from another identity
 * provider (a CI system's OIDC token, AWS, Azure, an X.509 certificate, a program's supplier) is
 * exchanged at Google's Security Token Service for a Google access token, and optionally for a
 * service account's token through IAM impersonation.
 *
 * @example
 * ```ts
 * const credentials = await ExternalAccountCredentials.fromFile('clientLibraryConfig.json', {
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * const headers = await credentials.getRequestHeaders();
 * ```
 */
export class ExternalAccountCredentials
  extends Credentials<ExternalAccountOptions>
  implements SigningCredentials
{
  readonly type = 'external_account';
  readonly #supplier: SubjectTokenSupplier;
  readonly #certificate?: CertificateSubjectTokenSource;
  /** Set when a service account is impersonated after STS; its source is the STS half. */
  readonly #impersonated?: ImpersonatedCredentials;
  #projectId?: Promise<string | undefined>;

  constructor(options: ExternalAccountOptions) {
    checkOptions(options);
    super(options);
    const { supplier, certificate } = buildSupplier(options, () => this.now());
    this.#supplier = supplier;
    this.#certificate = certificate;
    if (options.serviceAccountImpersonationUrl) this.#impersonated = this.#impersonation(options);
  }

  /** Builds credentials from a parsed `external_account` JSON object. */
  static fromJson(
    json: unknown,
    options: Partial<ExternalAccountOptions> = {},
  ): ExternalAccountCredentials {
    const source = options.source ?? 'external_account JSON';
    return new ExternalAccountCredentials({
      ...parseExternalAccount(requireObject(json, source), source),
      ...definedOnly(options),
      source,
    });
  }

  /** Reads an `external_account` credential configuration file. */
  static async fromFile(
    path: string,
    options: Partial<ExternalAccountOptions> = {},
  ): Promise<ExternalAccountCredentials> {
    return ExternalAccountCredentials.fromJson(await readCredentialsFile(path), {
      ...options,
      source: path,
    });
  }

  /** The pool provider these credentials federate through. */
  get audience(): string {
    return this.options.audience;
  }

  /** The STS token endpoint. */
  get tokenUrl(): string {
    return this.options.tokenUrl ?? stsTokenUrl(this.options.universeDomain ?? 'googleapis.com');
  }

  /**
   * The project these credentials belong to, as google-auth finds it: Cloud Resource Manager's
   * answer for the pool's project number, or for `workforce_pool_user_project`; undefined when
   * neither is known. Needs a scope that reads projects (cloud-platform does) and
   * `resourcemanager.projects.get`. Asked once; asked again after a failure.
   *
   * @example
   * ```ts
   * const projectId = await federated.fetchProjectId();
   * ```
   */
  fetchProjectId(): Promise<string | undefined> {
    if (!this.#projectId) {
      const lookup = this.#lookUpProjectId();
      this.#projectId = lookup;
      lookup.catch(() => {
        if (this.#projectId === lookup) this.#projectId = undefined;
      });
    }
    return this.#projectId;
  }

  async #lookUpProjectId(): Promise<string | undefined> {
    const project =
      audienceProjectNumber(this.options.audience) ?? this.options.workforcePoolUserProject;
    if (project === undefined) return undefined;
    const projectsUrl =
      this.options.resourceManagerUrl ?? defaultResourceManagerUrl(await this.getUniverseDomain());
    const request = buildProjectRequest(projectsUrl, project, await this.getRequestHeaders());
    return exchange(
      request,
      (response) => parseProjectResponse(response, request.url),
      this.options.http,
    );
  }

  /**
   * Asks `token_info_url` about the current STS token (RFC 7662 introspection), fetching one first
   * when needed.
   *
   * @example
   * ```ts
   * const { active, exp } = await federated.tokenInfo();
   * ```
   */
  async tokenInfo(): Promise<TokenIntrospection> {
    const url = this.options.tokenInfoUrl;
    if (!url) {
      throw new InvalidCredentialsError(
        `${this.#source}: field token_info_url is not set (add it to the credential configuration)`,
        { source: this.#source, field: 'token_info_url' },
      );
    }
    return introspectStsToken(url, await this.getAccessToken(), this.#client, this.options.http);
  }

  /**
   * An ID token for `audience`, minted by IAM for the impersonated service account. Needs
   * `service_account_impersonation_url`: STS itself issues no ID tokens.
   *
   * @example
   * ```ts
   * const idToken = await credentials.fetchIdToken('https://my-service-abc123-uc.a.run.app');
   * ```
   */
  override async fetchIdToken(
    audience: string,
    options?: ImpersonatedIdTokenOptions,
  ): Promise<string> {
    if (!this.#impersonated) return this.#cannot('fetch ID tokens');
    return this.#impersonated.fetchIdToken(audience, options);
  }

  /** Signs `data` as the impersonated service account through IAM `signBlob`. */
  async sign(data: string | Uint8Array): Promise<SignResult> {
    if (!this.#impersonated) return this.#cannot('sign');
    return this.#impersonated.sign(data);
  }

  /** The impersonated service account's email. */
  async getSignerEmail(): Promise<string> {
    if (!this.#impersonated) return this.#cannot('sign');
    return this.#impersonated.getSignerEmail();
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      audience: this.options.audience,
      subjectTokenType: this.options.subjectTokenType,
      tokenUrl: this.tokenUrl,
      serviceAccountImpersonationUrl: this.options.serviceAccountImpersonationUrl,
    };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    if (this.#impersonated) {
      // The IAM half is due whenever this one is; its STS source refreshes on its own schedule.
      await this.#impersonated.refresh();
      return {
        accessToken: this.#impersonated.token as string,
        expiresAt: this.#impersonated.expiresAt?.getTime(),
      };
    }
    const { audience, subjectTokenType } = this.options;
    const subjectToken = await this.#supplier.getSubjectToken({ audience, subjectTokenType });
    const client = this.#client;
    const userProject = this.options.workforcePoolUserProject;
    const fetchedAt = this.now();
    const response = await exchangeToken(
      {
        tokenUrl: this.tokenUrl,
        subjectToken,
        subjectTokenType,
        audience,
        scopes: this.scopes.length > 0 ? this.scopes : [CLOUD_PLATFORM_SCOPE],
        // Workforce pools bill STS to a project, unless an OAuth client pays for it.
        options: userProject && !client ? { userProject } : undefined,
        client,
        headers: apiClientHeader('ext'),
        clientCertificate: this.#certificate && {
          ...(await this.#certificate.clientCertificate()),
          ca: this.options.stsCa,
        },
      },
      this.options.http,
    );
    return {
      accessToken: response.accessToken,
      expiresAt:
        response.expiresIn === undefined ? undefined : fetchedAt + response.expiresIn * 1000,
    };
  }

  /** STS credentials for cloud-platform (the same subject-token source), wrapped in IAM. */
  #impersonation(options: ExternalAccountOptions): ImpersonatedCredentials {
    const { endpoint, account } = parseImpersonationUrl(
      options.serviceAccountImpersonationUrl!,
      this.#source,
    );
    const {
      serviceAccountImpersonationUrl: _,
      tokenLifetimeSeconds,
      quotaProjectId,
      ...sts
    } = options;
    const stsCredentials = new ExternalAccountCredentials({
      ...sts,
      credentialSource: undefined,
      awsSecurityCredentialsSupplier: undefined,
      subjectTokenSupplier: this.#supplier,
      scopes: [CLOUD_PLATFORM_SCOPE],
    });
    return new ImpersonatedCredentials({
      sourceCredentials: stsCredentials,
      targetPrincipal: account,
      iamEndpoint: endpoint,
      scopes: this.scopes.length > 0 ? this.scopes : [CLOUD_PLATFORM_SCOPE],
      lifetime: tokenLifetimeSeconds,
      quotaProjectId,
      universeDomain: options.universeDomain,
      refreshMargin: options.refreshMargin,
      http: options.http,
      clock: options.clock,
    });
  }

  #cannot(what: string): never {
    throw new AuthError(
      'ERR_UNSUPPORTED',
      `${this.#source}: external account credentials can ${what} only through a service account; add service_account_impersonation_url to the credential configuration`,
    );
  }

  get #client(): BasicClient | undefined {
    const { clientId, clientSecret } = this.options;
    return clientId ? { clientId, clientSecret } : undefined;
  }

  get #source(): string {
    return this.options.source ?? 'external_account credentials';
  }
}

function checkOptions(options: ExternalAccountOptions): void {
  const source = options.source ?? 'external_account credentials';
  const given = [
    options.credentialSource && 'credential_source',
    options.subjectTokenSupplier && 'subjectTokenSupplier',
    options.awsSecurityCredentialsSupplier && 'awsSecurityCredentialsSupplier',
  ].filter(Boolean);
  if (given.length !== 1) {
    throw new InvalidCredentialsError(
      `${source}: give exactly one of credential_source, subjectTokenSupplier or awsSecurityCredentialsSupplier (found ${given.length === 0 ? 'none' : given.join(' and ')})`,
      { source, field: 'credential_source' },
    );
  }
  for (const [option, field] of [
    ['audience', 'audience'],
    ['subjectTokenType', 'subject_token_type'],
  ] as const) {
    if (typeof options[option] !== 'string' || options[option] === '') {
      throw new InvalidCredentialsError(
        `${source}: field ${field} is missing (set it to the pool provider's value)`,
        { source, field },
      );
    }
  }
  if (options.workforcePoolUserProject && !isWorkforceAudience(options.audience)) {
    throw new InvalidCredentialsError(
      `${source}: field workforce_pool_user_project is set, but audience is not a workforce pool provider (remove it, or use a //iam.googleapis.com/locations/global/workforcePools/... audience)`,
      { source, field: 'workforce_pool_user_project' },
    );
  }
  if (options.resourceManagerUrl !== undefined) {
    checkHttpUrl(options.resourceManagerUrl, 'resourceManagerUrl');
  }
  const lifetime = options.tokenLifetimeSeconds;
  if (
    lifetime !== undefined &&
    !(Number.isInteger(lifetime) && lifetime >= 600 && lifetime <= 43_200)
  ) {
    throw new InvalidCredentialsError(
      `${source}: field service_account_impersonation.token_lifetime_seconds must be an integer from 600 to 43200`,
      { source, field: 'service_account_impersonation.token_lifetime_seconds' },
    );
  }
}

function buildSupplier(options: ExternalAccountOptions, now: () => number): NodeSubjectTokenSource {
  if (options.subjectTokenSupplier) return { supplier: options.subjectTokenSupplier };
  if (options.awsSecurityCredentialsSupplier) {
    return {
      supplier: new AwsSubjectTokenSource(options.awsSecurityCredentialsSupplier, undefined, now),
    };
  }
  const cs = options.credentialSource!;
  if (cs.kind === 'url') {
    return { supplier: new UrlSubjectTokenSource(cs.url, cs.headers, cs.format, options.http) };
  }
  return nodeSubjectTokenSource(cs, options, now);
}
