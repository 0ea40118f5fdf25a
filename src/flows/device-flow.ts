import { AuthError, InvalidOptionsError } from '../errors.js';
import { definedOnly } from '../options.js';
import type { ClientAuthConfig } from '../oauth/client-auth.js';
import { pollForDeviceToken, type PendingDeviceLogin } from '../oauth/device.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import { parseTokenResponse } from '../oauth/token-endpoint.js';
import { sendGrant } from '../oauth/token-grant.js';
import type { UserCredentials } from '../credentials/user-credentials.js';
import type { HttpOptions } from '../http/types.js';
import { parseClientSecrets, readClientSecretsFile, type ClientConfig } from './client-secrets.js';
import {
  DEVICE_CODE_GRANT,
  parseDeviceAuthorizationResponse,
  type DeviceAuthorization,
} from '../oauth/device-authorization.js';
import { GOOGLE_DEVICE_AUTHORIZATION_URL } from '../oauth/google-endpoints.js';
import { checkFlowOptions, credentialsFromLogin, type FlowClient } from './token-credentials.js';

/** Options of {@link DeviceFlow}. */
export interface DeviceFlowOptions {
  clientId: string;
  clientSecret?: string;
  /**
   * How the client authenticates at both endpoints (RFC 8628 §3.1). Default `client_secret_post`
   * with a secret (what Google expects), `none` without.
   */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  scopes: string | readonly string[];
  /** Where the login starts. Default Google's `https://oauth2.googleapis.com/device/code`. */
  deviceAuthorizationUri?: string;
  /** Token endpoint that is polled. Default Google's. */
  tokenUri?: string;
  /** Allows plain-http endpoints off the loopback interface: for test setups only. */
  allowInsecureHttp?: boolean;
  /** Timeout and retries of each request. */
  http?: HttpOptions;
  /** How the flow waits between polls; tests pass one that returns at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
}

/** Options of {@link DeviceFlow.fromClientConfig}: what a client secrets file does not say. */
export type ClientConfigDeviceFlowOptions = Omit<DeviceFlowOptions, 'clientId' | 'clientSecret'>;

/**
 * The device authorization grant (RFC 8628), for machines without a browser: the user types a
 * short code on another device while this one polls the token endpoint.
 *
 * @example
 * ```ts
 * const flow = await DeviceFlow.fromClientSecretsFile('client_secret.json', { scopes: ['email'] });
 * const { verificationUri, userCode } = await flow.start();
 * console.error(`Visit ${verificationUri} and enter ${userCode}`);
 * const credentials = await flow.poll();
 * ```
 */
export class DeviceFlow {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly deviceAuthorizationUri: string;
  readonly tokenUri: string;
  readonly #options: Readonly<DeviceFlowOptions>;
  readonly #client: ClientAuthConfig;
  #pending?: PendingDeviceLogin;

  constructor(options: DeviceFlowOptions) {
    const checked = checkFlowOptions('DeviceFlow', options);
    this.#client = checked.client;
    this.#options = Object.freeze({ ...options });
    this.clientId = options.clientId;
    this.scopes = Object.freeze(checked.scopes);
    this.tokenUri = checked.tokenUri;
    this.deviceAuthorizationUri = checkEndpointUrl(
      options.deviceAuthorizationUri ?? GOOGLE_DEVICE_AUTHORIZATION_URL,
      'DeviceFlow: deviceAuthorizationUri',
      options.allowInsecureHttp,
    );
  }

  /** A device flow for the client a parsed client secrets object describes. */
  static fromClientConfig(config: unknown, options: ClientConfigDeviceFlowOptions): DeviceFlow {
    return new DeviceFlow(deviceFlowOptions(parseClientSecrets(config), options));
  }

  /** A device flow for the client in a client secrets file. */
  static async fromClientSecretsFile(
    path: string,
    options: ClientConfigDeviceFlowOptions,
  ): Promise<DeviceFlow> {
    return new DeviceFlow(deviceFlowOptions(await readClientSecretsFile(path), options));
  }

  /** Starts a login: returns the code for the user to enter and where. */
  async start(options: { signal?: AbortSignal } = {}): Promise<DeviceAuthorization> {
    const startedAt = this.#now();
    const response = await sendGrant(
      {
        url: this.deviceAuthorizationUri,
        params: { scope: this.scopes.join(' ') },
        client: this.#client,
      },
      parseDeviceAuthorizationResponse,
      this.#http(options.signal),
    );
    this.#pending = { ...response, expiresAt: startedAt + response.expiresIn * 1000 };
    const { deviceCode: _secret, ...shown } = response;
    return shown;
  }

  /**
   * Polls the token endpoint until the user approves, every `interval` seconds (five more after
   * each `slow_down`). Throws `ERR_ACCESS_DENIED` when the user declines,
   * `ERR_DEVICE_CODE_EXPIRED` when the code expires first, `ERR_ABORTED` on `signal`.
   */
  async poll(options: { signal?: AbortSignal } = {}): Promise<UserCredentials> {
    const pending = this.#pending;
    if (!pending) throw new InvalidOptionsError('DeviceFlow.poll: call start() first');
    let receivedAt = 0;
    const grant = { grant_type: DEVICE_CODE_GRANT, device_code: pending.deviceCode };
    try {
      const tokens = await pollForDeviceToken(
        pending,
        () => {
          receivedAt = this.#now();
          return sendGrant(
            { url: this.tokenUri, params: grant, client: this.#client },
            parseTokenResponse,
            this.#http(options.signal),
          );
        },
        () => this.#now(),
        { signal: options.signal, sleep: this.#options.sleep },
      );
      this.#pending = undefined;
      return credentialsFromLogin(
        tokens,
        {
          clientId: this.clientId,
          clientSecret: this.#options.clientSecret,
          clientAuthMethod: this.#client.method as FlowClient['clientAuthMethod'],
          tokenUri: this.tokenUri,
          http: this.#options.http,
        },
        this.scopes,
        receivedAt,
      );
    } catch (error) {
      // A transient failure or an abort leaves the login pending, so poll() can carry on.
      const transient =
        error instanceof AuthError && (error.retryable || error.code === 'ERR_ABORTED');
      if (!transient) this.#pending = undefined;
      throw error;
    }
  }

  /** A summary safe to log: no client secret. */
  toJSON(): Record<string, unknown> {
    return {
      clientId: this.clientId,
      scopes: this.scopes,
      deviceAuthorizationUri: this.deviceAuthorizationUri,
      tokenUri: this.tokenUri,
    };
  }

  #http(signal: AbortSignal | undefined): HttpOptions {
    return { ...this.#options.http, signal: signal ?? this.#options.http?.signal };
  }

  #now(): number {
    return this.#options.clock ? this.#options.clock() : Date.now();
  }
}

function deviceFlowOptions(
  config: ClientConfig,
  options: ClientConfigDeviceFlowOptions,
): DeviceFlowOptions {
  return {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    tokenUri: config.tokenUri,
    deviceAuthorizationUri: config.deviceAuthorizationUri,
    ...definedOnly(options),
    scopes: options.scopes,
  };
}
