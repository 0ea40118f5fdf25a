import type { KeyObject } from '../platform/node-types.js';
import type { TokenIdentity } from '../credentials/token-cache.js';
import { InvalidCredentialsError, InvalidOptionsError } from '../errors.js';
import { DEFAULT_UNIVERSE_DOMAIN, definedOnly } from '../options.js';
import {
  Credentials,
  type CredentialsOptions,
  type TokenRequest,
  type TokenResult,
} from '../credentials/credentials.js';
import { readCredentialsFile, requireObject } from '../credentials/credentials-file.js';
import { bytesOf, type SignResult, type SigningCredentials } from '../credentials/signing.js';
import { apiClientHeader } from '../http/api-client-header.js';
import { GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import { checkTokenUri } from '../http/endpoint-url.js';
import { requestToken } from '../oauth/token-grant.js';
import { signJwt, type JwtClaims } from '../oauth/jwt.js';
import { parseServiceAccountKey } from './service-account-key.js';
import { keySigner } from './key-signer.js';
import type { Signer } from './signer.js';
import { audienceOf } from './audience.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_LIFETIME_SEC = 3600;

/** Options for {@link ServiceAccountCredentials}. */
export interface ServiceAccountOptions extends CredentialsOptions {
  clientEmail: string;
  /** PEM (PKCS#8 or PKCS#1) or an already-parsed KeyObject. RSA signs RS256, EC P-256 ES256. */
  privateKey: string | KeyObject;
  /** Becomes the JWT header's `kid`. */
  privateKeyId?: string;
  clientId?: string;
  projectId?: string;
  /** Token endpoint; default Google's. https, or plain http only on loopback. */
  tokenUri?: string;
  /** Accept a plain-http `tokenUri` on a host other than loopback, for a test setup. */
  allowInsecureHttp?: boolean;
  /**
   * User to impersonate with domain-wide delegation (the assertion's `sub`). Its tokens always
   * come from the token endpoint, even with `useSelfSignedJwt`; refused outside googleapis.com.
   */
  subject?: string;
  /** Extra claims for the JWT-bearer assertion. */
  additionalClaims?: JwtClaims;
  /**
   * Sign a JWT locally instead of asking the token endpoint: with scopes, one JWT carrying a
   * `scope` claim; without, one JWT per API audience. Always on outside the default universe.
   * Ignored with a `subject`.
   */
  useSelfSignedJwt?: boolean;
  /** Names where the key came from in error messages (a file path). */
  source?: string;
}

/**
 * Credentials of a Google service account: tokens from the JWT-bearer grant (RFC 7523), or
 * self-signed JWTs that need no round trip.
 *
 * @example
 * ```ts
 * const credentials = await ServiceAccountCredentials.fromFile('key.json', {
 *   scopes: ['https://www.googleapis.com/auth/cloud-platform'],
 * });
 * const headers = await credentials.getRequestHeaders();
 * ```
 */
export class ServiceAccountCredentials
  extends Credentials<ServiceAccountOptions>
  implements SigningCredentials
{
  readonly type = 'service_account';
  #signer?: Signer;

  constructor(options: ServiceAccountOptions) {
    const source = options.source ?? 'service account credentials';
    if (!options.clientEmail) {
      throw new InvalidCredentialsError(`${source}: clientEmail is missing`, {
        source,
        field: 'client_email',
      });
    }
    if (!options.privateKey) {
      throw new InvalidCredentialsError(`${source}: privateKey is missing`, {
        source,
        field: 'private_key',
      });
    }
    checkTokenUri(options);
    const universe = options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN;
    if (options.subject && universe !== DEFAULT_UNIVERSE_DOMAIN) {
      throw new InvalidOptionsError(
        `${source}: domain-wide delegation (subject ${options.subject}) needs Google's token endpoint, which universe ${universe} does not have; remove the subject or use a key from ${DEFAULT_UNIVERSE_DOMAIN}`,
      );
    }
    super(options);
  }

  /** Builds credentials from a parsed `service_account` JSON key. */
  static fromJson(
    json: unknown,
    options: Omit<Partial<ServiceAccountOptions>, 'privateKey' | 'clientEmail'> = {},
  ): ServiceAccountCredentials {
    const source = options.source ?? 'service account JSON';
    const key = parseServiceAccountKey(requireObject(json, source), source);
    return new ServiceAccountCredentials({ ...key, ...definedOnly(options), source });
  }

  /** Reads a `service_account` JSON key file. */
  static async fromFile(
    path: string,
    options: Omit<Partial<ServiceAccountOptions>, 'privateKey' | 'clientEmail'> = {},
  ): Promise<ServiceAccountCredentials> {
    return ServiceAccountCredentials.fromJson(await readCredentialsFile(path), {
      ...options,
      source: path,
    });
  }

  get clientEmail(): string {
    return this.options.clientEmail;
  }

  get projectId(): string | undefined {
    return this.options.projectId;
  }

  get subject(): string | undefined {
    return this.options.subject;
  }

  /**
   * Signs `data` locally with the private key (RSASSA-PKCS1-v1_5 SHA-256 for RSA keys, what
   * Cloud Storage signed URLs need; ES256 for P-256 keys).
   *
   * @example
   * ```ts
   * const { signature, signerEmail } = await serviceAccount.sign('bytes to sign');
   * ```
   */
  async sign(data: string | Uint8Array): Promise<SignResult> {
    return {
      signature: await this.#keySigner().sign(bytesOf(data)),
      signerEmail: this.options.clientEmail,
      keyId: this.options.privateKeyId,
    };
  }

  async getSignerEmail(): Promise<string> {
    return this.options.clientEmail;
  }

  /** New credentials acting as `subject` through domain-wide delegation. */
  withSubject(subject: string): this {
    return this.withOptions({ subject });
  }

  protected override tokenAudience(url?: string): string | undefined {
    if (url === undefined || this.scopes.length > 0 || this.options.subject) return undefined;
    return audienceOf(url);
  }

  protected override tokenIdentity(audience?: string): TokenIdentity | undefined {
    // A self-signed JWT costs a signature, not a round trip: nothing to share. Extra claims can
    // change what a token grants, so tokens asked for with them stay unshared too.
    if (audience !== undefined || this.#alwaysSelfSigned() || this.options.additionalClaims) {
      return undefined;
    }
    return {
      type: this.type,
      principal: this.options.clientEmail,
      issuer: this.options.tokenUri ?? GOOGLE_TOKEN_URL,
      scopes: this.scopes,
      subject: this.options.subject,
      universe: this.options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN,
    };
  }

  protected override async fetchToken(request: TokenRequest): Promise<TokenResult> {
    if (request.audience !== undefined || this.#alwaysSelfSigned()) {
      return this.#selfSignedToken(request.audience);
    }
    if (this.scopes.length === 0) {
      // Google answers invalid_scope; saying why here names the fix.
      throw new InvalidOptionsError(
        `service account ${this.options.clientEmail}: an access token needs scopes and none were given; pass scopes, e.g. { scopes: 'https://www.googleapis.com/auth/cloud-platform' }, or call getRequestHeaders(url) for a self-signed JWT`,
      );
    }
    const iat = Math.floor(this.now() / 1000);
    const tokenUri = this.options.tokenUri ?? GOOGLE_TOKEN_URL;
    const assertion = await signJwt(
      {
        ...this.options.additionalClaims,
        iss: this.options.clientEmail,
        aud: tokenUri,
        iat,
        exp: iat + JWT_LIFETIME_SEC,
        ...(this.scopes.length > 0 && { scope: this.scopes.join(' ') }),
        ...(this.options.subject && { sub: this.options.subject }),
      },
      this.#keySigner(),
    );
    const response = await requestToken(
      tokenUri,
      { grant_type: JWT_BEARER, assertion },
      { http: this.options.http, headers: apiClientHeader('sa') },
    );
    return {
      accessToken: response.accessToken as string,
      expiresAt: response.expiresIn === undefined ? undefined : (iat + response.expiresIn) * 1000,
      scopes: response.scope?.split(' '),
    };
  }

  /**
   * An ID token for `audience` (a Cloud Run URL, an IAP client id), from the JWT-bearer grant with
   * a `target_audience` claim in place of scopes.
   *
   * @example
   * ```ts
   * const idToken = await credentials.fetchIdToken('https://hello-abc123-uc.a.run.app');
   * ```
   */
  override async fetchIdToken(audience: string): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const tokenUri = this.options.tokenUri ?? GOOGLE_TOKEN_URL;
    const assertion = await signJwt(
      {
        iss: this.options.clientEmail,
        aud: tokenUri,
        iat,
        exp: iat + JWT_LIFETIME_SEC,
        target_audience: audience,
      },
      this.#keySigner(),
    );
    const response = await requestToken(
      tokenUri,
      { grant_type: JWT_BEARER, assertion },
      { http: this.options.http, headers: apiClientHeader('sa', 'it'), expect: 'id_token' },
    );
    return response.idToken as string;
  }

  /**
   * The signer, made on first use: the key is parsed then (once per key in the process), so
   * building credentials costs no key parsing, and a bad key fails the first token request.
   */
  #keySigner(): Signer {
    const { privateKey, privateKeyId } = this.options;
    this.#signer ??= keySigner(
      privateKey,
      privateKeyId,
      this.options.source ?? 'service account credentials',
    );
    return this.#signer;
  }

  /**
   * Self-signed JWTs were asked for, or the universe has no token endpoint for the grant. A
   * subject needs the token endpoint: a self-signed JWT would act as the service account itself.
   */
  #alwaysSelfSigned(): boolean {
    if (this.options.subject) return false;
    return (
      this.options.useSelfSignedJwt === true ||
      (this.options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN) !== DEFAULT_UNIVERSE_DOMAIN
    );
  }

  async #selfSignedToken(audience: string | undefined): Promise<TokenResult> {
    const iat = Math.floor(this.now() / 1000);
    const claims: JwtClaims = {
      iss: this.options.clientEmail,
      sub: this.options.clientEmail,
      iat,
      exp: iat + JWT_LIFETIME_SEC,
    };
    if (this.scopes.length > 0) claims.scope = this.scopes.join(' ');
    else if (audience) claims.aud = audience;
    else {
      throw new InvalidCredentialsError(
        `${this.options.source ?? 'service account credentials'}: a self-signed JWT needs scopes or a request URL (pass scopes, or call getRequestHeaders(url))`,
        { field: 'scopes' },
      );
    }
    return {
      accessToken: await signJwt(claims, this.#keySigner()),
      expiresAt: (iat + JWT_LIFETIME_SEC) * 1000,
    };
  }
}
