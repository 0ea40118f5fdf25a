import type { TokenIdentity } from './token-cache.js';
import { InvalidOptionsError, TokenResponseError } from '../errors.js';
import { apiClientHeader } from '../http/api-client-header.js';
import { defaultMetadataClient, type MetadataClient } from '../metadata/metadata-client.js';
import { serviceAccountPath } from '../metadata/metadata-request.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';
import { headerSafeToken, parseLifetime } from '../oauth/token-endpoint.js';
import { defaultIamEndpoint, iamSignBlob } from './iam-credentials.js';
import { bytesOf, type SignResult, type SigningCredentials } from './signing.js';

/** Options for {@link ComputeCredentials}. */
export interface ComputeCredentialsOptions extends CredentialsOptions {
  /** The metadata server client. Default the shared `defaultMetadataClient`. */
  metadataClient?: MetadataClient;
  /** The instance's service account to act as: `default` or an email. Default `default`. */
  serviceAccount?: string;
  /** Root of the IAM Credentials API, used by {@link ComputeCredentials.sign}. Default `https://iamcredentials.<universe>`. */
  iamEndpoint?: string;
}

/** The metadata server's token answer. */
interface MetadataToken {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * Credentials of the service account attached to a Google Cloud VM, Cloud Run service, Cloud
 * Function or GKE workload, served by the metadata server. Its `type` is `compute`: these
 * credentials come from the platform, not from a file, and the same server backs every
 * Google compute product, not only Compute Engine.
 *
 * @example
 * ```ts
 * const credentials = new ComputeCredentials({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
 * console.log(await credentials.getServiceAccountEmail());
 * ```
 */
export class ComputeCredentials
  extends Credentials<ComputeCredentialsOptions>
  implements SigningCredentials
{
  readonly type = 'compute';

  get serviceAccount(): string {
    return this.options.serviceAccount ?? 'default';
  }

  get metadataClient(): MetadataClient {
    return this.options.metadataClient ?? defaultMetadataClient;
  }

  /** The email of the service account these credentials act as. */
  getServiceAccountEmail(): Promise<string> {
    return this.metadataClient.serviceAccountEmail(this.serviceAccount);
  }

  getSignerEmail(): Promise<string> {
    return this.getServiceAccountEmail();
  }

  /**
   * Signs `data` as the instance's service account through IAM `signBlob`: the VM holds no key.
   * The account needs `roles/iam.serviceAccountTokenCreator` on itself, and its token the
   * cloud-platform scope.
   *
   * @example
   * ```ts
   * const { signature } = await new ComputeCredentials({}).sign('bytes to sign');
   * ```
   */
  async sign(data: string | Uint8Array): Promise<SignResult> {
    const endpoint = this.options.iamEndpoint ?? defaultIamEndpoint(await this.getUniverseDomain());
    const [serviceAccount, headers] = await Promise.all([
      this.getServiceAccountEmail(),
      this.getRequestHeaders(),
    ]);
    return iamSignBlob({ endpoint, serviceAccount, headers }, bytesOf(data), this.options.http);
  }

  /** The configured universe, else the one the metadata server reports. */
  override async getUniverseDomain(): Promise<string> {
    return this.options.universeDomain ?? this.metadataClient.universeDomain();
  }

  /** An ID token for `audience`, signed by Google, with the full claims (email included). */
  override async fetchIdToken(audience: string): Promise<string> {
    if (!audience) {
      throw new InvalidOptionsError(
        'fetchIdToken needs an audience: the URL or client id of the service the token is for',
      );
    }
    const path = `${this.#accountPath()}/identity`;
    const token = await this.metadataClient.get(path, {
      query: { audience, format: 'full' },
      headers: apiClientHeader('mds', 'it'),
      http: this.options.http,
    });
    const idToken = headerSafeToken(token.trim(), 'ID token', `metadata ${path}`, path);
    if (idToken === undefined) {
      throw new TokenResponseError(`metadata ${path} answered with an empty ID token`, path);
    }
    return idToken;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serviceAccount: this.serviceAccount };
  }

  /** Keyed by the account's real email: `default` names different accounts on different VMs. */
  protected override async tokenIdentity(): Promise<TokenIdentity> {
    return {
      type: this.type,
      principal: await this.getServiceAccountEmail(),
      scopes: this.scopes,
      universe: await this.getUniverseDomain(),
    };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const path = `${this.#accountPath()}/token`;
    const fetchedAt = this.now();
    const scopes = this.scopes.length > 0 ? this.scopes.join(',') : undefined;
    const body = await this.metadataClient.get<MetadataToken>(path, {
      json: true,
      query: { scopes },
      headers: apiClientHeader('mds'),
      http: this.options.http,
    });
    return parseMetadataToken(body, path, fetchedAt);
  }

  #accountPath(): string {
    return serviceAccountPath(this.serviceAccount);
  }
}

/** Reads the metadata server's `{access_token, expires_in, token_type}` answer. */
export function parseMetadataToken(body: unknown, path: string, fetchedAt: number): TokenResult {
  const token = (body ?? {}) as MetadataToken;
  const accessToken = headerSafeToken(token.access_token, 'access_token', `metadata ${path}`, path);
  if (accessToken === undefined) {
    throw new TokenResponseError(`metadata ${path} answered without access_token`, path);
  }
  const expiresIn = parseLifetime(token.expires_in, `metadata ${path}`, path);
  return {
    accessToken,
    expiresAt: expiresIn === undefined ? undefined : fetchedAt + expiresIn * 1000,
  };
}
