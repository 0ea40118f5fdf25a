import { AuthError, InvalidOptionsError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import type { HttpResponse } from '../http/types.js';
import type { IdTokenClaims } from '../id-token/claims.js';
import { PublicKeyCache } from '../id-token/public-key-cache.js';
import { IdTokenVerifier } from '../id-token/verifier.js';
import {
  buildAuthorizationRedirect,
  readAuthorizationCallback,
  type AuthorizationRedirect,
  type AuthorizationRequestOptions,
  type SavedAuthorization,
} from './authorization.js';
import type { ClientAuthConfig } from './client-auth.js';
import { sendGrant } from './token-grant.js';
import { pollForDeviceToken, type DevicePollOptions, type PendingDeviceLogin } from './device.js';
import { DEVICE_CODE_GRANT, parseDeviceAuthorizationResponse } from './device-authorization.js';
import {
  introspectionParams,
  parseIntrospectionResponse,
  type TokenIntrospection,
} from './introspection.js';
import type { ProviderEndpoint, ProviderMetadata } from './metadata.js';
import { ProviderMetadataSource } from './provider-metadata.js';
import {
  clientAuthFromOptions,
  idTokenAlgorithms,
  providerName,
  type OAuthProviderOptions,
} from './provider-options.js';
import { parseRevokeResponse, revocationParams, type TokenTypeHint } from './revocation.js';
import { parseOAuthTokens, type OAuthTokens } from './tokens.js';
import { buildUserInfoRequest, parseUserInfoResponse, type UserInfo } from './userinfo.js';

/** The outcome of a login: the tokens, and the verified ID-token claims when there was one. */
export interface LoginResult {
  tokens: OAuthTokens;
  claims?: IdTokenClaims;
}

const DEFAULT_CLOCK_TOLERANCE_SEC = 30;

/**
 * One OAuth 2.0 / OpenID Connect provider and this app's client registration with it: the
 * authorization-code flow with PKCE and verified ID tokens, and every other grant and endpoint
 * a client uses. Discovery, when configured, is fetched once per instance and kept.
 *
 * @example
 * ```ts
 * const provider = new OAuthProvider({ issuer: 'https://login.example.com', clientId, clientSecret });
 * const redirect = await provider.authorizationRedirect({ redirectUri, scope: 'openid email' });
 * // ... send the user to redirect.url, keep the rest; then, on the callback:
 * const { tokens, claims } = await provider.handleCallback(callbackUrl, redirect);
 * ```
 */
export class OAuthProvider {
  readonly name: string;
  readonly clientId: string;
  readonly #options: Readonly<OAuthProviderOptions>;
  readonly #clientAuth: ClientAuthConfig;
  readonly #metadata: ProviderMetadataSource;
  readonly #verifier: IdTokenVerifier;

  constructor(options: OAuthProviderOptions) {
    this.#clientAuth = clientAuthFromOptions(options);
    if (options.idTokenAlgorithms) idTokenAlgorithms(options, undefined);
    this.#options = Object.freeze({ ...options });
    this.name = providerName(options);
    this.clientId = options.clientId;
    this.#metadata = new ProviderMetadataSource(this.#options, this.name);
    const { http, clock, allowInsecureHttp } = options;
    const keyCache = new PublicKeyCache({ http, clock, allowInsecureHttp });
    this.#verifier = new IdTokenVerifier({ clock, keyCache });
  }

  /**
   * The provider's metadata: discovered (once, then kept) when `issuer` or `serverMetadataUrl`
   * is set, with endpoints given as options taking precedence.
   */
  metadata(): Promise<ProviderMetadata> {
    return this.#metadata.all();
  }

  /** Starts a login: the URL to send the user to, and the values to keep for the callback. */
  async authorizationRedirect(
    options: AuthorizationRequestOptions,
  ): Promise<AuthorizationRedirect> {
    const url = await this.#metadata.endpoint('authorizationUrl');
    return buildAuthorizationRedirect(url, this.clientId, {
      ...options,
      scope: options.scope ?? this.#options.scope,
    });
  }

  /**
   * Finishes a login from the URL the provider redirected to: checks state (and the RFC 9207
   * `iss` parameter), exchanges the code with the PKCE verifier, and verifies the ID token
   * against the provider's keys, including the nonce saved at the redirect.
   */
  async handleCallback(currentUrl: string | URL, saved: SavedAuthorization): Promise<LoginResult> {
    const metadata = await this.#metadata.covering(['authorizationUrl', 'tokenUrl']);
    const code = readAuthorizationCallback(
      currentUrl,
      saved.state,
      metadata.issuer,
      metadata.authorizationResponseIssParameterSupported === true,
    );
    const tokens = await this.#grant({
      grant_type: 'authorization_code',
      code,
      redirect_uri: saved.redirectUri,
      code_verifier: saved.codeVerifier,
    });
    if (saved.nonce !== undefined && !tokens.idToken) {
      throw new AuthError(
        'ERR_ID_TOKEN_INVALID',
        `${this.name} answered an openid login without an ID token`,
      );
    }
    const claims = tokens.idToken
      ? await this.verifyIdToken(tokens.idToken, {
          nonce: saved.nonce,
          accessToken: tokens.accessToken,
        })
      : undefined;
    return { tokens, claims };
  }

  /**
   * Verifies an ID token from this provider (OpenID Connect Core §3.1.3.7) with the one
   * ID-token verifier: its signature with a key of the provider's JWKS, `iss` (the discovered
   * issuer), `aud`, `azp`, `exp`/`iat`/`nbf`, and, when given, `nonce` and the `at_hash` of
   * `accessToken`.
   */
  async verifyIdToken(
    idToken: string,
    expected: { nonce?: string; accessToken?: string } = {},
  ): Promise<IdTokenClaims> {
    const metadata = await this.#metadata.covering(
      this.#options.idTokenAlgorithms ? ['jwksUri'] : [],
    );
    if (!metadata.issuer) {
      throw new InvalidOptionsError(`provider ${this.name}: set issuer to verify ID tokens`);
    }
    const algorithms = idTokenAlgorithms(this.#options, metadata.idTokenSigningAlgValuesSupported);
    const asymmetric = algorithms.some((alg) => !alg.startsWith('HS'));
    const { payload } = await this.#verifier.verify(idToken, {
      audience: this.clientId,
      clientId: this.clientId,
      issuers: [metadata.issuer, ...(this.#options.idTokenIssuers ?? [])],
      algorithms,
      clientSecret: this.#options.clientSecret,
      jwksUrl: asymmetric ? await this.#metadata.endpoint('jwksUri') : undefined,
      clockToleranceSec: this.#options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
      nonce: expected.nonce,
      accessToken: expected.accessToken,
    });
    return payload;
  }

  /** Claims about the user from the userinfo endpoint; `expectedSubject` guards against mix-ups. */
  async userinfo(
    accessToken: string,
    options: { expectedSubject?: string } = {},
  ): Promise<UserInfo> {
    const url = await this.#metadata.endpoint('userinfoUrl');
    return exchange(
      buildUserInfoRequest(url, accessToken),
      (response) => parseUserInfoResponse(response, url, options.expectedSubject),
      this.#options.http,
    );
  }

  /** Tokens for the client itself (RFC 6749 §4.4), with no user involved. */
  clientCredentials(options: { scope?: string | readonly string[] } = {}): Promise<OAuthTokens> {
    return this.#grant({ grant_type: 'client_credentials', scope: this.#scope(options.scope) });
  }

  /**
   * New tokens from a refresh token (RFC 6749 §6). When the server does not rotate the refresh
   * token, the one given stays in the result; a returned ID token is verified, and its `sub`
   * must be `expectedSubject` (the first ID token's) when given (OpenID Connect Core §12.2).
   */
  async refresh(
    refreshToken: string,
    options: { scope?: string | readonly string[]; expectedSubject?: string } = {},
  ): Promise<OAuthTokens> {
    const tokens = await this.#grant({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope: options.scope === undefined ? undefined : this.#scope(options.scope),
    });
    if (tokens.idToken) {
      const claims = await this.verifyIdToken(tokens.idToken, { accessToken: tokens.accessToken });
      if (options.expectedSubject !== undefined && claims.sub !== options.expectedSubject) {
        throw new AuthError(
          'ERR_ID_TOKEN_INVALID',
          `${this.name} refreshed the tokens with an ID token for another user (sub differs from the login's); log the user in again`,
        );
      }
    }
    return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
  }

  /** Revokes an access or refresh token (RFC 7009). */
  async revoke(token: string, hint?: TokenTypeHint): Promise<void> {
    await this.#post('revocationUrl', revocationParams(token, hint), parseRevokeResponse);
  }

  /** Asks the provider whether a token is active, and about it (RFC 7662). */
  introspect(token: string, hint?: TokenTypeHint): Promise<TokenIntrospection> {
    return this.#post(
      'introspectionUrl',
      introspectionParams(token, hint),
      parseIntrospectionResponse,
    );
  }

  /** Starts a device login (RFC 8628 §3.1): show the user code and verification URI. */
  deviceAuthorization(
    options: { scope?: string | readonly string[]; [param: string]: unknown } = {},
  ): Promise<PendingDeviceLogin> {
    const { scope, ...extra } = options;
    const sentAt = this.#now();
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(extra)) {
      if (typeof value === 'string') params[name] = value;
    }
    const requested = this.#scope(scope);
    if (requested) params.scope = requested;
    return this.#post('deviceAuthorizationUrl', params, (response, url) => {
      const login = parseDeviceAuthorizationResponse(response, url);
      return { ...login, expiresAt: sentAt + login.expiresIn * 1000 };
    });
  }

  /** Polls until the user finishes the device login; see {@link pollForDeviceToken}. */
  async pollDeviceToken(
    authorization: PendingDeviceLogin,
    options: DevicePollOptions = {},
  ): Promise<LoginResult> {
    const tokens = await pollForDeviceToken(
      authorization,
      () => this.#grant({ grant_type: DEVICE_CODE_GRANT, device_code: authorization.deviceCode }),
      () => this.#now(),
      options,
    );
    const claims = tokens.idToken
      ? await this.verifyIdToken(tokens.idToken, { accessToken: tokens.accessToken })
      : undefined;
    return { tokens, claims };
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, issuer: this.#options.issuer, clientId: this.clientId };
  }

  async #grant(params: Record<string, string | undefined>): Promise<OAuthTokens> {
    const sentAt = this.#now();
    return this.#post('tokenUrl', params, (response, url) =>
      parseOAuthTokens(response, url, sentAt),
    );
  }

  /** One authenticated POST to an endpoint; client assertions always name the token endpoint. */
  async #post<T>(
    endpoint: ProviderEndpoint,
    params: Record<string, string | undefined>,
    parse: (response: HttpResponse, url: string) => T,
  ): Promise<T> {
    const url = await this.#metadata.endpoint(endpoint);
    const tokenUrl = this.#clientAuth.method.endsWith('_jwt')
      ? await this.#metadata.endpoint('tokenUrl')
      : url;
    return sendGrant(
      {
        url,
        params,
        client: this.#clientAuth,
        assertionAudience: await this.#assertionAudience(tokenUrl),
      },
      parse,
      this.#options.http,
    );
  }

  async #assertionAudience(tokenUrl: string): Promise<string> {
    if (this.#options.clientAssertionAudience !== 'issuer') return tokenUrl;
    const issuer = this.#options.issuer ?? (await this.#metadata.all()).issuer;
    if (!issuer) {
      throw new InvalidOptionsError(
        `provider ${this.name}: clientAssertionAudience issuer needs an issuer`,
      );
    }
    return issuer;
  }

  #scope(scope: string | readonly string[] | undefined): string | undefined {
    const chosen = scope ?? this.#options.scope;
    if (chosen === undefined) return undefined;
    const joined = typeof chosen === 'string' ? chosen : chosen.join(' ');
    return joined === '' ? undefined : joined;
  }

  #now(): number {
    return this.#options.clock ? this.#options.clock() : Date.now();
  }
}
