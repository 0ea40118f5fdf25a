/**
 * Workload identity federation, emulated: a fake OIDC identity provider (a CI system) whose JWKS
 * the emulator serves, pool providers that trust it, AWS identities whose SigV4 signatures STS
 * checks, an EC2 metadata service, X.509 providers, and workforce users for
 * `external_account_authorized_user`. Tests reach it through `emulator.state.federation`.
 */
import { SignJWT } from 'jose';
import { generateKeys, type SigningKey } from './keys.js';
import { randomDigits, randomKeyId, randomToken } from './ids.js';

export type ProviderKind = 'oidc' | 'aws' | 'x509';

export interface PoolProvider {
  /** `//iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/providers/Q`. */
  audience: string;
  kind: ProviderKind;
  workforce: boolean;
}

export interface AwsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  roleName: string;
  arn: string;
}

/** IMDSv2 settings of the emulated EC2 instance. */
export interface AwsInstance {
  region: string;
  /** The role whose credentials the metadata service hands out. */
  role?: AwsIdentity;
  /** Session tokens handed out by `PUT /latest/api/token`. */
  readonly sessionTokens: Set<string>;
  /** When true (the default), metadata requests without a session token get 401. */
  requireSessionToken: boolean;
}

const IDP_TOKEN_LIFETIME_SEC = 600;

/** The fake identity provider: an issuer with RS256 keys, publishing its JWKS. */
export class FakeIdentityProvider {
  readonly issuer: string;
  readonly jwksUrl: string;
  #signingKey?: SigningKey;

  constructor(url: string) {
    this.issuer = `${url}/idp`;
    this.jwksUrl = `${url}/idp/jwks`;
  }

  /** The JWKS at {@link jwksUrl}. */
  jwks(): { keys: Record<string, unknown>[] } {
    const { kty, n, e } = this.#key.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty, n, e, alg: 'RS256', use: 'sig', kid: this.#key.kid }] };
  }

  /** Made on first use, so emulators that never federate do not pay for an RSA key. */
  get #key(): SigningKey {
    this.#signingKey ??= { ...generateKeys('RS256'), kid: randomKeyId() };
    return this.#signingKey;
  }

  /**
   * An OIDC token as a CI system issues it, for the pool provider `audience`.
   *
   * @example
   * ```ts
   * const jwt = await emulator.state.federation.idp.issueToken({ audience, subject: 'repo:o/r' });
   * ```
   */
  issueToken(request: {
    audience: string;
    subject?: string;
    claims?: Record<string, unknown>;
  }): Promise<string> {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: this.issuer,
      aud: request.audience.startsWith('//') ? `https:${request.audience}` : request.audience,
      sub: request.subject ?? 'repo:example/app:ref:refs/heads/main',
      iat,
      exp: iat + IDP_TOKEN_LIFETIME_SEC,
      ...request.claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: this.#key.kid, typ: 'JWT' })
      .sign(this.#key.privateKey);
  }
}

export class FederationState {
  readonly idp: FakeIdentityProvider;
  /** By audience. */
  readonly providers = new Map<string, PoolProvider>();
  /** By access key id. */
  readonly awsIdentities = new Map<string, AwsIdentity>();
  readonly awsInstance: AwsInstance = {
    region: 'us-east-1',
    sessionTokens: new Set(),
    requireSessionToken: true,
  };
  /** Downscoped tokens and the access boundary STS bound them to. */
  readonly accessBoundaries = new Map<string, unknown>();
  /** The number of the project that holds the emulated workload identity pools. */
  readonly projectNumber = randomDigits(12);
  #serial = 0;

  constructor(url: string) {
    this.idp = new FakeIdentityProvider(url);
  }

  /**
   * Registers a pool provider of `kind` and returns it; its `audience` goes into the
   * credential configuration.
   */
  createProvider(kind: ProviderKind, options: { workforce?: boolean } = {}): PoolProvider {
    const n = ++this.#serial;
    const audience = options.workforce
      ? `//iam.googleapis.com/locations/global/workforcePools/pool-${n}/providers/${kind}-${n}`
      : `//iam.googleapis.com/projects/${this.projectNumber}/locations/global/workloadIdentityPools/pool-${n}/providers/${kind}-${n}`;
    const provider = { audience, kind, workforce: options.workforce ?? false };
    this.providers.set(audience, provider);
    return provider;
  }

  /** Registers AWS credentials STS will accept signatures from; temporary ones carry a session token. */
  createAwsIdentity(options: { temporary?: boolean } = {}): AwsIdentity {
    const n = ++this.#serial;
    const identity: AwsIdentity = {
      accessKeyId: `${options.temporary ? 'ASIA' : 'AKIA'}${randomToken(12)
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, 'X')}`,
      secretAccessKey: randomToken(30),
      ...(options.temporary && { sessionToken: `IQoJb3JpZ2luX2VjE${randomToken(60)}` }),
      roleName: `emulated-role-${n}`,
      arn: `arn:aws:sts::123456789012:assumed-role/emulated-role-${n}/i-${randomDigits(8)}`,
    };
    this.awsIdentities.set(identity.accessKeyId, identity);
    return identity;
  }
}
