import { nodeFsPromises } from '../platform/node-builtins.js';
import type { KeyObject } from 'node:crypto';
import { InvalidCredentialsError, InvalidOptionsError } from '../errors.js';
import { definedOnly } from '../options.js';
import { exchange } from '../http/exchange.js';
import { signJwt } from '../oauth/jwt.js';
import { KeyObjectSigner, parsePrivateKey } from './signer.js';
import {
  Credentials,
  type CredentialsOptions,
  type TokenResult,
} from '../credentials/credentials.js';
import {
  optionalString,
  readCredentialsFile,
  requireObject,
  requireString,
  requireType,
} from '../credentials/credentials-file.js';
import { parseTokenResponse } from '../oauth/token-endpoint.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SERVICE_ACCOUNT_TOKEN_TYPE = 'urn:k8s:params:oauth:token-type:serviceaccount';
const JWT_LIFETIME_SEC = 3600;
/** A CA bundle is a few kilobytes; a bigger file is not one. */
const MAX_CA_BYTES = 1024 * 1024;

/** Options for {@link GdchCredentials}. */
export interface GdchCredentialsOptions extends CredentialsOptions {
  /** The GDCH project of the service identity. */
  project: string;
  /** The service identity's name. */
  name: string;
  /** EC P-256 private key (PEM) or KeyObject; it signs the ES256 assertion. */
  privateKey: string | KeyObject;
  privateKeyId: string;
  /** The service-identity token endpoint, `https://service-identity.<domain>/authenticate`. */
  tokenUri: string;
  /** PEM file of the CA that signed the token server's TLS certificate; default Node's roots. */
  caCertPath?: string;
  /** What the tokens are for: the API the caller will call. Required before the first token. */
  audience?: string;
  /** Names where the key came from in error messages (a file path). */
  source?: string;
}

/**
 * Credentials of a Google Distributed Cloud Hosted (GDCH) service identity: an ES256 JWT signed
 * with its key (`iss` = `sub` = `system:serviceaccount:<project>:<name>`) exchanged at its token
 * endpoint (RFC 8693) for an access token to one audience, over TLS trusting `caCertPath`.
 *
 * @example
 * ```ts
 * const credentials = (await GdchCredentials.fromFile('gdch-key.json')).withAudience(
 *   'https://my-api.gdch.example.com',
 * );
 * const headers = await credentials.getRequestHeaders();
 * ```
 */
export class GdchCredentials extends Credentials<GdchCredentialsOptions> {
  readonly type = 'gdch_service_account';
  readonly #signer: KeyObjectSigner;

  constructor(options: GdchCredentialsOptions) {
    const source = options.source ?? 'GDCH service account credentials';
    for (const field of ['project', 'name', 'privateKeyId', 'tokenUri'] as const) {
      if (typeof options[field] !== 'string' || options[field] === '') {
        throw new InvalidCredentialsError(`${source}: ${field} is missing`, { source, field });
      }
    }
    const key = parsePrivateKey(options.privateKey, source);
    const signer = new KeyObjectSigner(key, options.privateKeyId, source);
    if (signer.algorithm !== 'ES256') {
      throw new InvalidCredentialsError(
        `${source}: a GDCH service identity key must be an EC P-256 key (download the key again)`,
        { source, field: 'private_key' },
      );
    }
    super({ ...options, privateKey: key });
    this.#signer = signer;
  }

  /** Builds credentials from a parsed `gdch_service_account` JSON object. */
  static fromJson(json: unknown, options: Partial<GdchCredentialsOptions> = {}): GdchCredentials {
    const source = options.source ?? 'gdch_service_account JSON';
    const object = requireObject(json, source);
    requireType(object, 'gdch_service_account', source);
    const fix = 'download the service identity key again';
    const version = object.format_version;
    if (version !== '1') {
      throw new InvalidCredentialsError(
        `${source}: field format_version must be "1", got ${JSON.stringify(version) ?? 'nothing'} (${fix})`,
        { source, field: 'format_version' },
      );
    }
    return new GdchCredentials({
      project: requireString(object, 'project', source, fix),
      name: requireString(object, 'name', source, fix),
      privateKey: requireString(object, 'private_key', source, fix),
      privateKeyId: requireString(object, 'private_key_id', source, fix),
      tokenUri: requireString(object, 'token_uri', source, fix),
      caCertPath: optionalString(object, 'ca_cert_path', source),
      ...definedOnly(options),
      source,
    });
  }

  /** Reads a `gdch_service_account` JSON file. */
  static async fromFile(
    path: string,
    options: Partial<GdchCredentialsOptions> = {},
  ): Promise<GdchCredentials> {
    return GdchCredentials.fromJson(await readCredentialsFile(path), { ...options, source: path });
  }

  /** The GDCH project of the service identity; ADC reports it as the project. */
  get projectId(): string {
    return this.options.project;
  }

  /** `system:serviceaccount:<project>:<name>`, the assertion's issuer and subject. */
  get serviceIdentity(): string {
    return `system:serviceaccount:${this.options.project}:${this.options.name}`;
  }

  get audience(): string | undefined {
    return this.options.audience;
  }

  /** New credentials like these whose tokens are for `audience`. */
  withAudience(audience: string): this {
    if (typeof audience !== 'string' || audience === '') {
      throw new InvalidOptionsError('GDCH withAudience needs the URL of the API to call');
    }
    return this.withOptions({ audience });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), serviceIdentity: this.serviceIdentity, audience: this.audience };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const audience = this.options.audience;
    if (!audience) {
      throw new InvalidOptionsError(
        'GDCH credentials need an audience before fetching a token: call withAudience(apiUrl)',
      );
    }
    const ca = await this.#trustedCa();
    const iat = Math.floor(this.now() / 1000);
    const assertion = await signJwt(
      {
        iss: this.serviceIdentity,
        sub: this.serviceIdentity,
        aud: this.options.tokenUri,
        iat,
        exp: iat + JWT_LIFETIME_SEC,
      },
      this.#signer,
    );
    const url = this.options.tokenUri;
    const response = await exchange(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({
          grant_type: TOKEN_EXCHANGE,
          audience,
          requested_token_type: ACCESS_TOKEN_TYPE,
          subject_token: assertion,
          subject_token_type: SERVICE_ACCOUNT_TOKEN_TYPE,
        }),
      },
      (answer) => parseTokenResponse(answer, url, 'access_token', [assertion]),
      { ...this.options.http, ca },
    );
    return {
      accessToken: response.accessToken as string,
      expiresAt: response.expiresIn === undefined ? undefined : (iat + response.expiresIn) * 1000,
    };
  }

  async #trustedCa(): Promise<string | undefined> {
    const path = this.options.caCertPath;
    if (path === undefined) return undefined;
    const source = this.options.source ?? 'GDCH service account credentials';
    const { readFile, stat } = nodeFsPromises();
    let pem: string;
    try {
      pem = (await stat(path)).size > MAX_CA_BYTES ? '' : await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      throw new InvalidCredentialsError(
        `${source}: the CA certificate named by ca_cert_path (${path}) cannot be read (${code})`,
        { source, field: 'ca_cert_path' },
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new InvalidCredentialsError(
        `${source}: ca_cert_path ${path} is not a PEM certificate file`,
        { source, field: 'ca_cert_path' },
      );
    }
    return pem;
  }
}
