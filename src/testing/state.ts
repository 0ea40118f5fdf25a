/**
 * What every route shares: the emulator's configuration and its registries of service
 * accounts, OAuth clients, users, and the tokens and codes it has issued.
 */
import type { KeyObject } from 'node:crypto';
import { FederationState } from './federation.js';
import { IapIssuer } from './iap.js';
import { randomDigits, randomKeyId, randomToken } from './ids.js';
import {
  generateKeys,
  privateKeyPem,
  SigningKeys,
  type KeyAlgorithm,
  type KeyPair,
} from './keys.js';
import type { AuthorizedUserJson, ServiceAccountKeyJson } from './types.js';

/** The scopes `gcloud auth application-default login` asks for, the default of new users. */
export const DEFAULT_USER_SCOPES: readonly string[] = [
  'openid',
  'https://www.googleapis.com/auth/userinfo.email',
  'https://www.googleapis.com/auth/cloud-platform',
];

/** Authorization codes live ten minutes, as Google's do. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface EmulatorConfig {
  /** Root URL without a trailing slash. */
  url: string;
  projectId: string;
  tokenLifetimeSec: number;
  latencyMs: number;
  rotateRefreshTokens: boolean;
}

export interface ServiceAccountRecord {
  email: string;
  /** The numeric unique id, `client_id` in the JSON key and `sub` of its ID tokens. */
  clientId: string;
  privateKeyId: string;
  algorithm: KeyAlgorithm;
  publicKey: KeyObject;
  /** What IAM signBlob and signJwt sign with, standing in for Google's managed keys. */
  privateKey: KeyObject;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
}

export interface UserRecord {
  /** Numeric Google account id, the `sub` of the user's ID tokens. */
  id: string;
  email: string;
}

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  user: UserRecord;
  scopes: string[];
}

export interface AccessTokenRecord {
  token: string;
  /** Service-account email, delegated subject, user email or client id. */
  principal: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
  clientId?: string;
  /** The refresh token it was minted from, revoked together with it. */
  refreshToken?: string;
}

/** What an authorization endpoint approved; {@link EmulatorState.issueAuthorizationCode} input. */
export interface AuthorizationCodeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  /** The consenting user; a user is created for a new email. Default `user@example.com`. */
  userEmail?: string;
  /** The OpenID Connect `nonce` of the request, echoed in the ID token. */
  nonce?: string;
  /** The ID token's `iss`: Google's, unless the request came through the emulator's OIDC discovery. */
  issuer?: string;
}

export interface AuthorizationCodeRecord extends Omit<AuthorizationCodeRequest, 'userEmail'> {
  code: string;
  user: UserRecord;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** The shared state of one emulator. Routes read and change it; tests may inspect it. */
export class EmulatorState {
  readonly url: string;
  readonly tokenUrl: string;
  readonly certsUrl: string;
  readonly jwksUrl: string;
  /** Where an authorization endpoint belongs; the `auth_uri` of issued JSON keys. */
  readonly authUrl: string;
  readonly projectId: string;
  tokenLifetimeSec: number;
  latencyMs: number;
  rotateRefreshTokens: boolean;

  readonly signingKeys: SigningKeys;
  /** By email. */
  readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  /** By client id. */
  readonly clients = new Map<string, OAuthClientRecord>();
  /** By email. */
  readonly users = new Map<string, UserRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  /**
   * IAM's `roles/iam.serviceAccountTokenCreator` bindings: service-account email → the
   * principals (user or service-account emails) that may act as it.
   */
  readonly tokenCreators = new Map<string, Set<string>>();
  /** Identity-Aware Proxy: its ES256 keys and the JWTs it signs. */
  readonly iap = new IapIssuer((email) => this.userFor(email));
  /** Workload identity federation: identity providers, pool providers, AWS. */
  readonly federation: FederationState;

  #serial = 0;

  constructor(config: EmulatorConfig, signingKey: KeyPair) {
    this.url = config.url;
    this.tokenUrl = `${config.url}/token`;
    this.certsUrl = `${config.url}/oauth2/v1/certs`;
    this.jwksUrl = `${config.url}/oauth2/v3/certs`;
    this.authUrl = `${config.url}/o/oauth2/auth`;
    this.projectId = config.projectId;
    this.tokenLifetimeSec = config.tokenLifetimeSec;
    this.latencyMs = config.latencyMs;
    this.rotateRefreshTokens = config.rotateRefreshTokens;
    this.signingKeys = new SigningKeys(signingKey);
    this.federation = new FederationState(config.url);
  }

  /** Registers a service account and returns its JSON key. */
  createServiceAccount(
    options: { algorithm?: KeyAlgorithm; email?: string } = {},
    keys: KeyPair = generateKeys(options.algorithm ?? 'RS256'),
  ): ServiceAccountKeyJson {
    const algorithm = options.algorithm ?? 'RS256';
    const email = options.email ?? `sa-${++this.#serial}@${this.projectId}.iam.gserviceaccount.com`;
    if (this.serviceAccounts.has(email)) {
      throw new Error(`emulator: service account ${email} already exists (pick another email)`);
    }
    const record: ServiceAccountRecord = {
      email,
      clientId: randomDigits(21),
      privateKeyId: randomKeyId(),
      algorithm,
      publicKey: keys.publicKey,
      privateKey: keys.privateKey,
    };
    this.serviceAccounts.set(email, record);
    return {
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: record.privateKeyId,
      private_key: privateKeyPem(keys.privateKey),
      client_email: email,
      client_id: record.clientId,
      auth_uri: this.authUrl,
      token_uri: this.tokenUrl,
      auth_provider_x509_cert_url: this.certsUrl,
      client_x509_cert_url: `${this.url}/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
      universe_domain: 'googleapis.com',
    };
  }

  /** Registers a confidential OAuth client. */
  createClient(): OAuthClientRecord {
    const client = {
      clientId: `${randomDigits(12)}-emulated${++this.#serial}.apps.googleusercontent.com`,
      clientSecret: `emulated-secret-${randomToken(18)}`,
    };
    this.clients.set(client.clientId, client);
    return client;
  }

  /** The user with this email, created on first use. */
  userFor(email: string): UserRecord {
    let user = this.users.get(email);
    if (!user) {
      user = { id: randomDigits(21), email };
      this.users.set(email, user);
    }
    return user;
  }

  /** Registers a new client and user, grants `scopes`, and returns the `authorized_user` JSON. */
  createUser(options: { scopes?: string[] } = {}): AuthorizedUserJson {
    const client = this.createClient();
    const user = this.userFor(`emulated-user-${++this.#serial}@example.com`);
    const refresh = this.issueRefreshToken(client.clientId, user, [
      ...(options.scopes ?? DEFAULT_USER_SCOPES),
    ]);
    return {
      type: 'authorized_user',
      client_id: client.clientId,
      client_secret: client.clientSecret,
      refresh_token: refresh.token,
      token_uri: this.tokenUrl,
    };
  }

  issueRefreshToken(clientId: string, user: UserRecord, scopes: string[]): RefreshTokenRecord {
    const record = { token: `1//0${randomToken(48)}`, clientId, user, scopes };
    this.refreshTokens.set(record.token, record);
    return record;
  }

  /** Mints an opaque `ya29.` access token living `lifetimeSec` (default {@link tokenLifetimeSec}). */
  issueAccessToken(
    grant: Omit<AccessTokenRecord, 'token' | 'expiresAt'>,
    lifetimeSec = this.tokenLifetimeSec,
  ): AccessTokenRecord {
    const record = {
      ...grant,
      token: `ya29.${randomToken(64)}`,
      expiresAt: Date.now() + lifetimeSec * 1000,
    };
    this.accessTokens.set(record.token, record);
    return record;
  }

  /** The record of an issued access token that is neither expired nor revoked. */
  activeAccessToken(token: string): AccessTokenRecord | undefined {
    const record = this.accessTokens.get(token);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  /** Stores what an authorization endpoint approved and returns the single-use code for it. */
  issueAuthorizationCode(request: AuthorizationCodeRequest): string {
    const { userEmail = 'user@example.com', ...approved } = request;
    const code = `4/0${randomToken(32)}`;
    this.authorizationCodes.set(code, {
      ...approved,
      code,
      user: this.userFor(userEmail),
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /** Removes a code and returns it if it was issued and has not expired. */
  redeemAuthorizationCode(code: string): AuthorizationCodeRecord | undefined {
    const record = this.authorizationCodes.get(code);
    this.authorizationCodes.delete(code);
    return record && record.expiresAt > Date.now() ? record : undefined;
  }

  /**
   * Revokes an access or refresh token with Google's semantics: the refresh token behind an
   * access token, and every access token minted from a refresh token, go with it.
   * Returns whether the token was known.
   */
  revokeToken(token: string): boolean {
    const access = this.accessTokens.get(token);
    const refreshToken = access ? access.refreshToken : token;
    this.accessTokens.delete(token);
    if (refreshToken === undefined || !this.refreshTokens.delete(refreshToken)) {
      return access !== undefined;
    }
    for (const [key, record] of this.accessTokens) {
      if (record.refreshToken === refreshToken) this.accessTokens.delete(key);
    }
    return true;
  }

  /** Makes every access token issued so far expired. */
  expireAccessTokens(): void {
    const past = Date.now() - 1;
    for (const record of this.accessTokens.values()) record.expiresAt = past;
  }

  /** Lets `member` act as the service account `target`, as granting it Token Creator does. */
  grantTokenCreator(member: string, target: string): void {
    if (!this.serviceAccounts.has(target)) {
      throw new Error(
        `emulator: ${target} is not a registered service account (create it with createServiceAccount({ email }) first)`,
      );
    }
    let members = this.tokenCreators.get(target);
    if (!members) {
      members = new Set();
      this.tokenCreators.set(target, members);
    }
    members.add(member);
  }

  /** Whether `member` holds Token Creator on `target`. */
  canActAs(member: string, target: string): boolean {
    return this.tokenCreators.get(target)?.has(member) === true;
  }

  /** Adds a new ID-token signing key, makes it current, and returns its kid. */
  rotateSigningKey(): string {
    return this.signingKeys.rotate().kid;
  }
}
