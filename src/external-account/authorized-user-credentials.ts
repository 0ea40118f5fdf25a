import { InvalidCredentialsError, OAuthError } from '../errors.js';
import { definedOnly } from '../options.js';
import {
  Credentials,
  type CredentialsOptions,
  type TokenResult,
} from '../credentials/credentials.js';
import {
  optionalString,
  readCredentialsFile,
  requireObject,
  requireOptions,
  requireString,
  requireType,
  type CredentialsJson,
} from '../credentials/credentials-file.js';
import { sendGrant } from '../oauth/token-grant.js';
import { parseTokenResponse } from '../oauth/token-endpoint.js';
import { loginAgain } from '../credentials/user-credentials.js';
import { parseRevokeResponse, revocationParams } from '../oauth/revocation.js';
import { basicAuthentication, type ClientAuthentication } from '../oauth/client-auth.js';
import type { TokenIntrospection } from '../oauth/introspection.js';
import { introspectStsToken } from '../oauth/sts.js';

const FIX = 'log in again with `gcloud auth application-default login --login-config=LOGIN_CONFIG`';

/** Options for {@link ExternalAccountAuthorizedUserCredentials}. */
export interface ExternalAccountAuthorizedUserOptions extends CredentialsOptions {
  /** The workforce pool provider the user logged in through. */
  audience?: string;
  refreshToken: string;
  /** STS's refresh endpoint, e.g. `https://sts.googleapis.com/v1/oauthtoken`. */
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  tokenInfoUrl?: string;
  revokeUrl?: string;
  /** An access token already held, used until it is due. */
  accessToken?: string;
  /** Names the credentials in error messages (a file path). */
  source?: string;
}

/**
 * A workforce identity federation user, as `gcloud auth application-default login
 * --login-config` writes them (`external_account_authorized_user`): a refresh token refreshed at
 * STS with the OAuth client in HTTP Basic; rotated refresh tokens are kept and announced.
 *
 * @example
 * ```ts
 * const user = await ExternalAccountAuthorizedUserCredentials.fromFile('workforce-adc.json');
 * const headers = await user.getRequestHeaders();
 * ```
 */
export class ExternalAccountAuthorizedUserCredentials extends Credentials<ExternalAccountAuthorizedUserOptions> {
  readonly type = 'external_account_authorized_user';
  #refreshToken: string;

  constructor(options: ExternalAccountAuthorizedUserOptions) {
    const source = options.source ?? 'external_account_authorized_user credentials';
    requireOptions(
      options,
      [
        ['refreshToken', 'refresh_token'],
        ['tokenUrl', 'token_url'],
        ['clientId', 'client_id'],
      ],
      source,
      FIX,
    );
    super(options);
    this.#refreshToken = options.refreshToken;
    if (options.accessToken) this.adoptToken({ accessToken: options.accessToken });
  }

  /** Builds credentials from a parsed `external_account_authorized_user` JSON object. */
  static fromJson(
    json: unknown,
    options: Partial<ExternalAccountAuthorizedUserOptions> = {},
  ): ExternalAccountAuthorizedUserCredentials {
    const source = options.source ?? 'external_account_authorized_user JSON';
    return new ExternalAccountAuthorizedUserCredentials({
      ...parseExternalAccountAuthorizedUser(requireObject(json, source), source),
      ...definedOnly(options),
      source,
    });
  }

  static async fromFile(
    path: string,
    options: Partial<ExternalAccountAuthorizedUserOptions> = {},
  ): Promise<ExternalAccountAuthorizedUserCredentials> {
    return ExternalAccountAuthorizedUserCredentials.fromJson(await readCredentialsFile(path), {
      ...options,
      source: path,
    });
  }

  /** The current refresh token (after any rotation). */
  get refreshToken(): string {
    return this.#refreshToken;
  }

  /** Introspects the current access token at `token_info_url`. */
  async tokenInfo(): Promise<TokenIntrospection> {
    return introspectStsToken(
      this.#require('tokenInfoUrl', 'token_info_url'),
      await this.getAccessToken(),
      this.#client,
      this.options.http,
    );
  }

  /** Revokes the refresh token at `revoke_url`; the user must log in again afterwards. */
  async revoke(): Promise<void> {
    const url = this.#require('revokeUrl', 'revoke_url');
    await sendGrant(
      { url, params: revocationParams(this.#refreshToken), auth: this.#basicAuth() },
      parseRevokeResponse,
      this.options.http,
    );
  }

  protected override withOptions(changes: Partial<ExternalAccountAuthorizedUserOptions>): this {
    return super.withOptions({
      refreshToken: this.#refreshToken,
      accessToken: undefined,
      ...changes,
    });
  }

  protected override async fetchToken(): Promise<TokenResult> {
    const fetchedAt = this.now();
    let response;
    try {
      response = await sendGrant(
        {
          url: this.options.tokenUrl,
          params: { grant_type: 'refresh_token', refresh_token: this.#refreshToken },
          auth: this.#basicAuth(),
        },
        parseTokenResponse,
        this.options.http,
      );
    } catch (error) {
      throw error instanceof OAuthError && error.code === 'ERR_INVALID_GRANT'
        ? loginAgain(error, this.#source, FIX)
        : error;
    }
    if (response.refreshToken) this.#refreshToken = response.refreshToken;
    return {
      accessToken: response.accessToken as string,
      expiresAt:
        response.expiresIn === undefined ? undefined : fetchedAt + response.expiresIn * 1000,
      refreshToken: response.refreshToken,
    };
  }

  get #client(): { clientId: string; clientSecret?: string } {
    return { clientId: this.options.clientId, clientSecret: this.options.clientSecret };
  }

  #basicAuth(): ClientAuthentication {
    return basicAuthentication(this.options.clientId, this.options.clientSecret);
  }

  get #source(): string {
    return this.options.source ?? 'external_account_authorized_user credentials';
  }

  #require(option: 'tokenInfoUrl' | 'revokeUrl', field: string): string {
    const url = this.options[option];
    if (url) return url;
    throw new InvalidCredentialsError(`${this.#source}: field ${field} is not set (${FIX})`, {
      source: this.#source,
      field,
    });
  }
}

/** Reads an `external_account_authorized_user` JSON object. */
export function parseExternalAccountAuthorizedUser(
  json: CredentialsJson,
  source: string,
): ExternalAccountAuthorizedUserOptions {
  requireType(json, 'external_account_authorized_user', source);
  return {
    audience: optionalString(json, 'audience', source),
    refreshToken: requireString(json, 'refresh_token', source, FIX),
    tokenUrl: requireString(json, 'token_url', source, FIX),
    clientId: requireString(json, 'client_id', source, FIX),
    clientSecret: optionalString(json, 'client_secret', source),
    tokenInfoUrl: optionalString(json, 'token_info_url', source),
    revokeUrl: optionalString(json, 'revoke_url', source),
    quotaProjectId: optionalString(json, 'quota_project_id', source),
    universeDomain: optionalString(json, 'universe_domain', source),
  };
}
