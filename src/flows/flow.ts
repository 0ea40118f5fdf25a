import { InvalidOptionsError } from '../errors.js';
import { definedOnly } from '../options.js';
import type { ClientAuthConfig } from '../oauth/client-auth.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import { parseTokenResponse } from '../oauth/token-endpoint.js';
import { sendGrant } from '../oauth/token-grant.js';
import type { UserCredentials } from '../credentials/user-credentials.js';
import type { HttpOptions } from '../http/types.js';
import {
  buildAuthorizationUrl,
  parseAuthorizationResponse,
  type AuthorizationParams,
} from '../oauth/authorization-url.js';
import { parseClientSecrets, readClientSecretsFile, type ClientConfig } from './client-secrets.js';
import { GOOGLE_AUTH_URL } from '../oauth/google-endpoints.js';
import { codeChallengeS256, createCodeVerifier, createState } from '../oauth/pkce.js';
import { checkFlowOptions, credentialsFromLogin } from './token-credentials.js';

/** Options of {@link Flow}. */
export interface FlowOptions {
  clientId: string;
  /** Omitted for public clients. */
  clientSecret?: string;
  /** Scopes to ask for, as an array or one space-separated string. */
  scopes: string | readonly string[];
  /** Where the authorization server sends the browser back; may also be given per request. */
  redirectUri?: string;
  /** Authorization endpoint. Default Google's. */
  authUri?: string;
  /** Token endpoint. Default Google's. */
  tokenUri?: string;
  /** How the client authenticates at the token endpoint. Default `client_secret_post` (Google's). */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** Allows plain-http endpoints off the loopback interface: for test setups only. */
  allowInsecureHttp?: boolean;
  /** Proof Key for Code Exchange (S256). Default true; turn off only for servers that reject it. */
  pkce?: boolean;
  /** Timeout and retries of the code exchange (and of the credentials it returns). */
  http?: HttpOptions;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
}

/** Options of {@link Flow.fromClientConfig}: what a client secrets file does not say. */
export type ClientConfigFlowOptions = Omit<FlowOptions, 'clientId' | 'clientSecret'>;

/** Options of {@link Flow.authorizationUrl}. */
export interface AuthorizationUrlOptions extends AuthorizationParams {
  /** Overrides the flow's redirect URI for this request. */
  redirectUri?: string;
}

/**
 * One authorization request, as {@link Flow.authorizationUrl} made it. Keep `state` and
 * `codeVerifier` (in the user's session, say) until the browser comes back: a new {@link Flow}
 * in another process completes the exchange with them.
 */
export interface AuthorizationRequest {
  /** Send the user's browser here. */
  url: string;
  state: string;
  /** The PKCE verifier; a secret. Undefined when PKCE is off. */
  codeVerifier?: string;
  redirectUri: string;
}

/** The browser's return: the code itself, or the whole redirect URL (or its query). */
export type AuthorizationResult =
  { code: string } | { authorizationResponse: string | URL | URLSearchParams };

/** Options of {@link Flow.fetchToken}: the values {@link Flow.authorizationUrl} returned. */
export interface FetchTokenOptions {
  /** Required with `authorizationResponse`: the response's state must equal it. */
  state?: string;
  /** Required when PKCE is on. */
  codeVerifier?: string;
  /** Required when the flow has no redirect URI of its own. */
  redirectUri?: string;
  signal?: AbortSignal;
}

/**
 * The OAuth 2.0 authorization-code flow for users (RFC 6749 §4.1) with PKCE: build the URL the
 * user consents at, then exchange the code the browser brings back for {@link UserCredentials}.
 * A Flow keeps no per-login state, so the two halves may run in different processes.
 *
 * @example
 * ```ts
 * const flow = await Flow.fromClientSecretsFile('client_secret.json', {
 *   scopes: ['openid', 'email'],
 *   redirectUri: 'https://app.example.com/oauth2callback',
 * });
 * const { url, state, codeVerifier } = flow.authorizationUrl({ prompt: 'consent' });
 * // ...redirect the user to url; save state and codeVerifier in the session...
 * const credentials = await flow.fetchToken({ authorizationResponse: req.url }, { state, codeVerifier });
 * ```
 */
export class Flow {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly authUri: string;
  readonly tokenUri: string;
  readonly redirectUri?: string;
  readonly #options: Readonly<FlowOptions>;
  readonly #client: ClientAuthConfig;

  constructor(options: FlowOptions) {
    const checked = checkFlowOptions('Flow', options);
    this.#client = checked.client;
    this.#options = Object.freeze({ ...options });
    this.clientId = options.clientId;
    this.scopes = Object.freeze(checked.scopes);
    this.tokenUri = checked.tokenUri;
    // The authorization URL is opened in the user's browser: only https (or loopback http).
    this.authUri = checkEndpointUrl(
      options.authUri ?? GOOGLE_AUTH_URL,
      'Flow: authUri',
      options.allowInsecureHttp,
    );
    this.redirectUri = options.redirectUri;
  }

  /** A flow for the client a parsed client secrets object (`{"installed": ...}`) describes. */
  static fromClientConfig<F extends Flow>(
    this: new (options: FlowOptions) => F,
    config: unknown,
    options: ClientConfigFlowOptions,
  ): F {
    return new this(flowOptions(parseClientSecrets(config), options));
  }

  /** A flow for the client in a client secrets file downloaded from the Cloud console. */
  static async fromClientSecretsFile<F extends Flow>(
    this: new (options: FlowOptions) => F,
    path: string,
    options: ClientConfigFlowOptions,
  ): Promise<F> {
    return new this(flowOptions(await readClientSecretsFile(path), options));
  }

  /** Starts a login: a fresh state and PKCE verifier, and the URL to send the user to. */
  authorizationUrl(options: AuthorizationUrlOptions = {}): AuthorizationRequest {
    const { redirectUri: override, ...params } = options;
    const redirectUri = this.#redirectUri(override, 'authorizationUrl');
    const state = createState();
    const codeVerifier = this.#options.pkce === false ? undefined : createCodeVerifier();
    const url = buildAuthorizationUrl({
      ...params,
      authUri: this.authUri,
      clientId: this.clientId,
      redirectUri,
      scopes: this.scopes,
      state,
      codeChallenge: codeVerifier === undefined ? undefined : codeChallengeS256(codeVerifier),
    });
    return { url, state, codeVerifier, redirectUri };
  }

  /**
   * Completes a login: checks the browser's response against `state`, exchanges the code (with
   * the PKCE verifier) and returns the user's credentials, holding the access token just issued.
   * Their `scopes` are the scopes the server granted, which may differ from those asked for.
   *
   * Throws `ERR_STATE_MISMATCH`, `ERR_ACCESS_DENIED` (the user clicked Deny),
   * `ERR_AUTHORIZATION` (another error, or no code), or the token endpoint's error.
   */
  async fetchToken(
    result: AuthorizationResult,
    options: FetchTokenOptions = {},
  ): Promise<UserCredentials> {
    const code = this.#code(result, options.state);
    const redirectUri = this.#redirectUri(options.redirectUri, 'fetchToken');
    if (this.#options.pkce !== false && !options.codeVerifier) {
      throw new InvalidOptionsError(
        'Flow.fetchToken: codeVerifier is required (pass the one authorizationUrl() returned)',
      );
    }
    const http = { ...this.#options.http, signal: options.signal ?? this.#options.http?.signal };
    const receivedAt = this.#now();
    const params = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      code_verifier: options.codeVerifier,
    };
    const response = await sendGrant(
      { url: this.tokenUri, params, client: this.#client },
      parseTokenResponse,
      http,
    );
    return credentialsFromLogin(
      response,
      {
        clientId: this.clientId,
        clientSecret: this.#options.clientSecret,
        clientAuthMethod: this.#options.clientAuthMethod,
        tokenUri: this.tokenUri,
        http: this.#options.http,
      },
      this.scopes,
      receivedAt,
    );
  }

  /** A summary safe to log: no client secret. */
  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      scopes: this.scopes,
      authUri: this.authUri,
      tokenUri: this.tokenUri,
      redirectUri: this.redirectUri,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `${this.constructor.name} ${JSON.stringify(this.toJSON())}`;
  }

  #code(result: AuthorizationResult, state: string | undefined): string {
    if ('code' in result) {
      if (!result.code) throw new InvalidOptionsError('Flow.fetchToken: code is empty');
      return result.code;
    }
    if (state === undefined) {
      throw new InvalidOptionsError(
        'Flow.fetchToken: state is required with authorizationResponse (pass the one authorizationUrl() returned)',
      );
    }
    return parseAuthorizationResponse(responseParams(result.authorizationResponse), state);
  }

  #redirectUri(override: string | undefined, method: string): string {
    const redirectUri = override ?? this.redirectUri;
    if (!redirectUri) {
      throw new InvalidOptionsError(
        `Flow.${method}: no redirect URI (pass redirectUri to the Flow or to ${method})`,
      );
    }
    return redirectUri;
  }

  #now(): number {
    return this.#options.clock ? this.#options.clock() : Date.now();
  }
}

/** FlowOptions from a client config and the caller's options (which win). */
export function flowOptions(config: ClientConfig, options: ClientConfigFlowOptions): FlowOptions {
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authUri: config.authUri,
    tokenUri: config.tokenUri,
    ...definedOnly(options),
    scopes: options.scopes,
  };
}

function responseParams(response: string | URL | URLSearchParams): URLSearchParams {
  if (response instanceof URLSearchParams) return response;
  if (response instanceof URL) return response.searchParams;
  const query = response.includes('?') ? response.slice(response.indexOf('?') + 1) : response;
  return new URLSearchParams(query.split('#')[0]);
}
