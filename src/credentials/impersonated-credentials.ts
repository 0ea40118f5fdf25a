import { InvalidOptionsError, TokenResponseError } from '../errors.js';
import { CLOUD_PLATFORM_SCOPE } from '../oauth/google-endpoints.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';
import {
  callIam,
  defaultIamEndpoint,
  iamField,
  iamSignBlob,
  parseGeneratedAccessToken,
  RESOURCE_NAME_PREFIX,
  type IamCall,
} from './iam-credentials.js';
import { bytesOf, type SignResult, type SigningCredentials } from './signing.js';
import { universeOfSource } from './source-universe.js';

/** One hour, IAM's default. */
export const DEFAULT_IMPERSONATION_LIFETIME_SEC = 3600;
/** Twelve hours: IAM's ceiling, reachable once an organization policy allows it. */
export const MAX_IMPERSONATION_LIFETIME_SEC = 43_200;

/** Options for {@link ImpersonatedCredentials}. */
export interface ImpersonatedCredentialsOptions extends CredentialsOptions {
  /** The caller: any credentials whose principal holds Token Creator on the target (or first delegate). */
  sourceCredentials: Credentials;
  /** Email of the service account to act as. */
  targetPrincipal: string;
  /**
   * Service accounts between the caller and the target, in order: the caller may act as the
   * first, each as the next, the last as the target. Emails, or IAM resource names
   * (`projects/-/serviceAccounts/EMAIL`, as google-auth passes them).
   */
  delegates?: readonly string[];
  /** Seconds the minted access tokens live: 1 to 43 200. Default 3600. */
  lifetime?: number;
  /** Root of the IAM Credentials API. Default `https://iamcredentials.<universeDomain>`. */
  iamEndpoint?: string;
}

/** Options of {@link ImpersonatedCredentials.fetchIdToken}. */
export interface ImpersonatedIdTokenOptions {
  /** Put the service account's `email` and `email_verified` claims in the token. Default false. */
  includeEmail?: boolean;
}

/**
 * Credentials that act as another service account through the IAM Service Account Credentials
 * API: access tokens from `generateAccessToken`, ID tokens from `generateIdToken`, signatures from
 * `signBlob` and `signJwt`, all authorized by the source credentials. What `gcloud
 * --impersonate-service-account` does, and what an `impersonated_service_account` ADC file holds.
 *
 * @example
 * ```ts
 * const credentials = new ImpersonatedCredentials({
 *   sourceCredentials: (await defaultCredentials()).credentials,
 *   targetPrincipal: 'deployer@my-project.iam.gserviceaccount.com',
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 *   lifetime: 900,
 * });
 * const headers = await credentials.getRequestHeaders();
 * ```
 */
export class ImpersonatedCredentials
  extends Credentials<ImpersonatedCredentialsOptions>
  implements SigningCredentials
{
  readonly type = 'impersonated_service_account';

  constructor(options: ImpersonatedCredentialsOptions) {
    const delegates = checkOptions(options);
    super({ ...options, delegates: Object.freeze(delegates) });
  }

  get sourceCredentials(): Credentials {
    return this.options.sourceCredentials;
  }

  get targetPrincipal(): string {
    return this.options.targetPrincipal;
  }

  get delegates(): readonly string[] {
    return this.options.delegates ?? [];
  }

  /** The IAM Credentials API root these credentials call: the option, else the universe's. */
  async getIamEndpoint(): Promise<string> {
    // The universe is checked even when the endpoint is given: the source's token goes there.
    const universe = await this.getUniverseDomain();
    return this.options.iamEndpoint ?? defaultIamEndpoint(universe);
  }

  /**
   * The source credentials' universe, where the token that authorizes every IAM call belongs; a
   * different `universeDomain` option is ERR_INVALID_OPTIONS.
   */
  override getUniverseDomain(): Promise<string> {
    return universeOfSource(
      this.options.universeDomain,
      this.options.sourceCredentials,
      'ImpersonatedCredentials',
    );
  }

  /**
   * An ID token for `audience`, minted by IAM `generateIdToken` for the target service account.
   *
   * @example
   * ```ts
   * const idToken = await deployer.fetchIdToken('https://hello-abc123-uc.a.run.app', {
   *   includeEmail: true,
   * });
   * ```
   */
  override async fetchIdToken(
    audience: string,
    options: ImpersonatedIdTokenOptions = {},
  ): Promise<string> {
    if (typeof audience !== 'string' || audience === '') {
      throw new InvalidOptionsError(
        'fetchIdToken needs an audience: the URL or client id of the service the token is for',
      );
    }
    const json = await callIam(
      await this.#call(),
      'generateIdToken',
      { audience, includeEmail: options.includeEmail === true },
      this.options.http,
    );
    return iamField(json, 'token', 'generateIdToken', await this.getIamEndpoint());
  }

  /** Signs `data` with the target service account's Google-managed key (IAM `signBlob`). */
  async sign(data: string | Uint8Array): Promise<SignResult> {
    return iamSignBlob(await this.#call(), bytesOf(data), this.options.http);
  }

  async getSignerEmail(): Promise<string> {
    return this.options.targetPrincipal;
  }

  /**
   * A JWT with `claims`, signed by the target service account through IAM `signJwt` (which sets
   * the header and key id itself).
   *
   * @example
   * ```ts
   * const jwt = await deployer.signJwt({ sub: 'alice', aud: 'https://example.com' });
   * ```
   */
  async signJwt(claims: Record<string, unknown>): Promise<string> {
    const json = await callIam(
      await this.#call(),
      'signJwt',
      { payload: JSON.stringify(claims) },
      this.options.http,
    );
    return iamField(json, 'signedJwt', 'signJwt', await this.getIamEndpoint());
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      targetPrincipal: this.options.targetPrincipal,
      delegates: this.delegates,
      lifetime: this.options.lifetime ?? DEFAULT_IMPERSONATION_LIFETIME_SEC,
      sourceCredentials: this.options.sourceCredentials.toJSON(),
    };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const call = await this.#call();
    const scopes = this.scopes.length > 0 ? this.scopes : [CLOUD_PLATFORM_SCOPE];
    const lifetime = this.options.lifetime ?? DEFAULT_IMPERSONATION_LIFETIME_SEC;
    const json = await callIam(
      call,
      'generateAccessToken',
      { scope: scopes, lifetime: `${lifetime}s` },
      this.options.http,
    );
    const token = parseGeneratedAccessToken(json, call.endpoint);
    if (token.expiresAt <= this.now()) {
      throw new TokenResponseError(
        `IAM generateAccessToken at ${call.endpoint} answered with a token that has already expired (check the clock)`,
        call.endpoint,
      );
    }
    return { ...token, scopes: [...scopes] };
  }

  async #call(): Promise<IamCall> {
    const endpoint = await this.getIamEndpoint();
    return {
      endpoint,
      serviceAccount: this.options.targetPrincipal,
      delegates: this.options.delegates,
      headers: await this.options.sourceCredentials.getRequestHeaders(`${endpoint}/`),
    };
  }
}

/** Checks the options; returns the delegates as emails. */
function checkOptions(options: ImpersonatedCredentialsOptions): string[] {
  if (!(options?.sourceCredentials instanceof Credentials)) {
    throw new InvalidOptionsError(
      'ImpersonatedCredentials needs sourceCredentials: the Credentials of the caller (e.g. await defaultCredentials())',
    );
  }
  checkAccount(options.targetPrincipal, 'targetPrincipal');
  if (options.delegates !== undefined && !Array.isArray(options.delegates)) {
    throw new InvalidOptionsError(
      'ImpersonatedCredentials delegates must be an array of service account emails or projects/-/serviceAccounts/EMAIL names',
    );
  }
  const delegates = (options.delegates ?? []).map((delegate: unknown, i) => {
    const email =
      typeof delegate === 'string' && delegate.startsWith(RESOURCE_NAME_PREFIX)
        ? delegate.slice(RESOURCE_NAME_PREFIX.length)
        : delegate;
    checkAccount(email, `delegates[${i}]`);
    return email as string;
  });
  const lifetime = options.lifetime;
  if (
    lifetime !== undefined &&
    (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_IMPERSONATION_LIFETIME_SEC)
  ) {
    throw new InvalidOptionsError(
      `ImpersonatedCredentials lifetime must be a whole number of seconds from 1 to ${MAX_IMPERSONATION_LIFETIME_SEC}, got ${String(lifetime)} (lifetimes over 3600 also need the iam.allowServiceAccountCredentialLifetimeExtension policy)`,
    );
  }
  if (options.iamEndpoint !== undefined) checkEndpoint(options.iamEndpoint);
  return delegates;
}

function checkAccount(value: unknown, field: string): void {
  if (typeof value !== 'string' || value === '' || value.length > 320 || /[\s/]/.test(value)) {
    throw new InvalidOptionsError(
      `ImpersonatedCredentials ${field} must be a service account email such as name@project.iam.gserviceaccount.com`,
    );
  }
}

function checkEndpoint(endpoint: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InvalidOptionsError(
      'ImpersonatedCredentials iamEndpoint must be an http(s) URL such as https://iamcredentials.googleapis.com',
    );
  }
}
