import type { RotatingSecret, TokenIdentity } from './token-cache.js';
import { AuthError, InvalidOptionsError, OAuthError } from '../errors.js';
import { DEFAULT_UNIVERSE_DOMAIN, definedOnly } from '../options.js';
import { Credentials, type CredentialsOptions, type TokenResult } from './credentials.js';
import { passRefreshGate } from './refresh-gate.js';
import {
  optionalString,
  readCredentialsFile,
  requireObject,
  requireOptions,
  requireString,
  requireType,
  type CredentialsJson,
} from './credentials-file.js';
import { apiClientHeader } from '../http/api-client-header.js';
import { GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import { checkTokenUri } from '../http/endpoint-url.js';
import { clientAuthConfig, type ClientAuthConfig } from '../oauth/client-auth.js';
import { parseTokenResponse } from '../oauth/token-endpoint.js';
import { sendGrant } from '../oauth/token-grant.js';

const FIX = 'log in again, e.g. `warrant login` or `gcloud auth application-default login`';

/** Options for {@link UserCredentials}. */
export interface UserCredentialsOptions extends CredentialsOptions {
  clientId: string;
  /** Omitted for public clients. */
  clientSecret?: string;
  refreshToken: string;
  /** Token endpoint; default Google's. https, or plain http only on loopback. */
  tokenUri?: string;
  /** Accept a plain-http `tokenUri` on a host other than loopback, for a test setup. */
  allowInsecureHttp?: boolean;
  /** How the client authenticates when refreshing. Default `client_secret_post` (Google's). */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** An access token already held, used until it is due for refresh. */
  accessToken?: string;
  /** When `accessToken` expires, epoch milliseconds. */
  expiresAt?: number;
  /** Scopes the server granted with `accessToken`, when it said. */
  grantedScopes?: readonly string[];
  /** The user's email, when known; informational. */
  account?: string;
  /** Names where the credentials came from in error messages (a file path). */
  source?: string;
}

/**
 * A user's credentials: an OAuth client plus a refresh token, refreshed with the refresh-token
 * grant, authenticating as `clientAuthMethod` says (default client_secret_post, as Google expects). A rotated refresh token replaces the old one and is announced on
 * the 'tokens' event.
 *
 * @example
 * ```ts
 * import { homedir } from 'node:os';
 * import { join } from 'node:path';
 *
 * const user = await UserCredentials.fromFile(
 *   join(homedir(), '.config/gcloud/application_default_credentials.json'),
 * );
 * user.on('tokens', (t) => t.refreshToken && save(user.toJson()));
 * ```
 */
export class UserCredentials extends Credentials<UserCredentialsOptions> {
  readonly type = 'authorized_user';
  #refreshToken: string;
  readonly #client: ClientAuthConfig;
  /** The ID token of the latest refresh, when the grant included `openid`. */
  #idToken?: string;

  constructor(options: UserCredentialsOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionsError(
        'UserCredentials needs an options object (clientId, refreshToken, ...); for a file use UserCredentials.fromFile()',
      );
    }
    const source = options.source ?? 'user credentials';
    requireOptions(
      options,
      [
        ['clientId', 'client_id'],
        ['refreshToken', 'refresh_token'],
      ],
      source,
      FIX,
    );
    checkTokenUri(options);
    super(options);
    this.#client = clientAuthConfig(
      { ...options, clock: () => this.now() },
      source,
      'client_secret_post',
    );
    this.#refreshToken = options.refreshToken;
    if (options.accessToken) {
      this.adoptToken({
        accessToken: options.accessToken,
        expiresAt: options.expiresAt,
        scopes: options.grantedScopes && [...options.grantedScopes],
      });
    }
  }

  /** Builds credentials from a parsed `authorized_user` JSON object. */
  static fromJson(json: unknown, options: Partial<UserCredentialsOptions> = {}): UserCredentials {
    const source = options.source ?? 'authorized_user JSON';
    return new UserCredentials({
      ...parseAuthorizedUser(requireObject(json, source), source),
      ...definedOnly(options),
      source,
    });
  }

  /** Reads an `authorized_user` JSON file, as written by gcloud or `warrant login`. */
  static async fromFile(
    path: string,
    options: Partial<UserCredentialsOptions> = {},
  ): Promise<UserCredentials> {
    return UserCredentials.fromJson(await readCredentialsFile(path), { ...options, source: path });
  }

  get clientId(): string {
    return this.options.clientId;
  }

  /** The current refresh token (after any rotation). */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** The `authorized_user` JSON for these credentials, with the current refresh token. */
  toJson(): Record<string, string> {
    const json: Record<string, string> = {
      type: this.type,
      client_id: this.options.clientId,
      refresh_token: this.#refreshToken,
    };
    if (this.options.clientSecret) json.client_secret = this.options.clientSecret;
    if (this.options.tokenUri) json.token_uri = this.options.tokenUri;
    if (this.options.quotaProjectId) json.quota_project_id = this.options.quotaProjectId;
    if (this.options.universeDomain) json.universe_domain = this.options.universeDomain;
    if (this.options.account) json.account = this.options.account;
    return json;
  }

  protected override withOptions(changes: Partial<UserCredentialsOptions>): this {
    // A token held for other scopes must not be served by the narrowed (or widened) copy.
    const heldToken =
      changes.scopes === undefined
        ? {}
        : { accessToken: undefined, expiresAt: undefined, grantedScopes: undefined };
    return super.withOptions({ refreshToken: this.#refreshToken, ...heldToken, ...changes });
  }

  /**
   * The ID token of a fresh refresh grant, shared with any refresh already in flight (so a
   * rotated refresh token is saved and announced as usual). Google mints it for the OAuth client
   * the user logged in with, whatever audience is asked for, and only when the login granted
   * `openid`.
   *
   * @example
   * ```ts
   * const idToken = await user.fetchIdToken(user.clientId);
   * ```
   */
  override async fetchIdToken(_audience: string): Promise<string> {
    await this.refresh();
    if (this.#idToken) return this.#idToken;
    throw new AuthError(
      'ERR_UNSUPPORTED',
      `${this.options.source ?? 'user credentials'}: the token endpoint returned no ID token, because the login did not grant the openid scope${this.scopes.length > 0 ? ' (or the scopes passed to these credentials leave it out)' : ''}; log in again with openid, e.g. \`gcloud auth application-default login\`, or use service account credentials`,
    );
  }

  /**
   * Only the refresh token tells two users of one OAuth client apart, so it enters the identity as
   * a secret (HMAC'd by the cache). The one these credentials were built with, not the latest: a
   * rotation must not move the token to a new key.
   */
  protected override tokenIdentity(): TokenIdentity {
    return {
      type: this.type,
      principal: this.options.clientId,
      secretPrincipal: this.options.refreshToken,
      issuer: this.options.tokenUri ?? GOOGLE_TOKEN_URL,
      scopes: this.scopes,
      universe: this.options.universeDomain ?? DEFAULT_UNIVERSE_DOMAIN,
    };
  }

  protected override rotatingSecret(): RotatingSecret {
    return {
      current: () => this.#refreshToken,
      adopt: (refreshToken) => {
        this.#refreshToken = refreshToken;
      },
    };
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const gate = passRefreshGate(this);
    if (gate) await gate;
    const tokenUri = this.options.tokenUri ?? GOOGLE_TOKEN_URL;
    const fetchedAt = this.now();
    let response;
    try {
      response = await sendGrant(
        {
          url: tokenUri,
          params: {
            grant_type: 'refresh_token',
            refresh_token: this.#refreshToken,
            scope: this.scopes.length > 0 ? this.scopes.join(' ') : undefined,
          },
          client: this.#client,
          headers: apiClientHeader('u'),
        },
        parseTokenResponse,
        this.options.http,
      );
    } catch (error) {
      throw error instanceof OAuthError && error.code === 'ERR_INVALID_GRANT'
        ? loginAgain(error, this.options.source ?? 'user credentials')
        : error;
    }
    if (response.refreshToken) this.#refreshToken = response.refreshToken;
    this.#idToken = response.idToken;
    return {
      accessToken: response.accessToken as string,
      expiresAt:
        response.expiresIn === undefined ? undefined : fetchedAt + response.expiresIn * 1000,
      refreshToken: response.refreshToken,
      idToken: response.idToken,
      scopes: response.scope?.split(' '),
    };
  }
}

/** Reads an `authorized_user` JSON object: the one place its snake_case fields are parsed. */
export function parseAuthorizedUser(json: CredentialsJson, source: string): UserCredentialsOptions {
  requireType(json, 'authorized_user', source);
  return {
    clientId: requireString(json, 'client_id', source, FIX),
    clientSecret: optionalString(json, 'client_secret', source),
    refreshToken: requireString(json, 'refresh_token', source, FIX),
    tokenUri: optionalString(json, 'token_uri', source),
    quotaProjectId: optionalString(json, 'quota_project_id', source),
    universeDomain: optionalString(json, 'universe_domain', source),
    account: optionalString(json, 'account', source),
  };
}

/** An invalid_grant on refresh, restated as "log in again" with how. */
export function loginAgain(error: OAuthError, source: string, fix = FIX): OAuthError {
  const why = error.errorDescription ? ` (${error.errorDescription})` : '';
  return new OAuthError(
    `${source}: the refresh token was rejected with invalid_grant${why}, so the user must ${fix}`,
    {
      error: error.error,
      errorDescription: error.errorDescription,
      status: error.status,
      endpoint: error.endpoint,
    },
  );
}
