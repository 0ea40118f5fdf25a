import type { KeyObject } from 'node:crypto';
import { DEFAULT_UNIVERSE_DOMAIN, definedOnly } from '../options.js';
import { InvalidCredentialsError } from '../errors.js';
import {
  Credentials,
  type CredentialsOptions,
  type TokenRequest,
  type TokenResult,
} from '../credentials/credentials.js';
import { readCredentialsFile, requireObject } from '../credentials/credentials-file.js';
import { GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import { requestToken } from '../oauth/token-endpoint.js';
import { signJwt, type JwtClaims } from './jwt.js';
import { parseServiceAccountKey } from './service-account-key.js';
import { KeyObjectSigner, parsePrivateKey } from './signer.js';

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
  /** Token endpoint; default Google's. */
  tokenUri?: string;
  /** User to impersonate with domain-wide delegation (the JWT's `sub`). */
  subject?: string;
  /** Extra claims for the JWT-bearer assertion. */
  additionalClaims?: JwtClaims;
  /**
   * Sign a JWT locally instead of asking the token endpoint: with scopes, one JWT carrying a
   * `scope` claim; without, one JWT per API audience. Always on outside the default universe.
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
export class ServiceAccountCredentials extends Credentials<ServiceAccountOptions> {
  readonly type = 'service_account';
  readonly #signer: KeyObjectSigner;

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
    const key = parsePrivateKey(options.privateKey, source);
    super({ ...options, privateKey: key });
    this.#signer = new KeyObjectSigner(key, options.privateKeyId, source);
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

  /** New credentials acting as `subject` through domain-wide delegation. */
  withSubject(subject: string): this {
    return this.withOptions({ subject });
  }

  protected override tokenAudience(url?: string): string | undefined {
    if (url === undefined || this.scopes.length > 0) return undefined;
    if (this.options.subject && !this.#alwaysSelfSigned()) return undefined;
    return `${new URL(url).origin}/`;
  }

  protected override async fetchToken(request: TokenRequest): Promise<TokenResult> {
    if (request.audience !== undefined || this.#alwaysSelfSigned()) {
      return this.#selfSignedToken(request.audience);
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
      this.#signer,
    );
    const response = await requestToken(
      tokenUri,
      { grant_type: JWT_BEARER, assertion },
      { http: this.options.http },
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
      this.#signer,
    );
    const response = await requestToken(
      tokenUri,
      { grant_type: JWT_BEARER, assertion },
      { http: this.options.http, expect: 'id_token' },
    );
    return response.idToken as string;
  }

  /** Self-signed JWTs were asked for, or the universe has no token endpoint for the grant. */
  #alwaysSelfSigned(): boolean {
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
      accessToken: await signJwt(claims, this.#signer),
      expiresAt: (iat + JWT_LIFETIME_SEC) * 1000,
    };
  }
}
