import { AbortedError, AuthError, InvalidOptionsError, OAuthError } from '../errors.js';
import { normalizeScopes } from '../credentials/credentials.js';
import { definedOnly } from '../options.js';
import { requestToken } from '../oauth/token-endpoint.js';
import type { UserCredentials } from '../credentials/user-credentials.js';
import { exchange } from '../http/exchange.js';
import { sleep as abortableSleep } from '../http/retry.js';
import type { HttpOptions } from '../http/types.js';
import { parseClientSecrets, readClientSecretsFile, type ClientConfig } from './client-secrets.js';
import {
  buildDeviceAuthorizationRequest,
  DEVICE_CODE_GRANT,
  parseDeviceAuthorizationResponse,
  type DeviceAuthorization,
  type DeviceAuthorizationResponse,
} from '../oauth/device-authorization.js';
import { GOOGLE_DEVICE_AUTHORIZATION_URL, GOOGLE_TOKEN_URL } from '../oauth/google-endpoints.js';
import { credentialsFromLogin } from './token-credentials.js';

/** RFC 8628 §3.5: each `slow_down` adds five seconds to the interval, for good. */
const SLOW_DOWN_STEP_MS = 5_000;

/** Options of {@link DeviceFlow}. */
export interface DeviceFlowOptions {
  clientId: string;
  clientSecret?: string;
  scopes: string | readonly string[];
  /** Where the login starts. Default Google's `https://oauth2.googleapis.com/device/code`. */
  deviceAuthorizationUri?: string;
  /** Token endpoint that is polled. Default Google's. */
  tokenUri?: string;
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
  #pending?: { response: DeviceAuthorizationResponse; startedAt: number };

  constructor(options: DeviceFlowOptions) {
    if (!options.clientId) throw new InvalidOptionsError('DeviceFlow: clientId is required');
    const scopes = normalizeScopes(options.scopes);
    if (scopes.length === 0) {
      throw new InvalidOptionsError('DeviceFlow: scopes is empty (ask for at least one scope)');
    }
    this.#options = Object.freeze({ ...options });
    this.clientId = options.clientId;
    this.scopes = Object.freeze(scopes);
    this.deviceAuthorizationUri = options.deviceAuthorizationUri ?? GOOGLE_DEVICE_AUTHORIZATION_URL;
    this.tokenUri = options.tokenUri ?? GOOGLE_TOKEN_URL;
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
    const response = await exchange(
      buildDeviceAuthorizationRequest(this.deviceAuthorizationUri, this.clientId, this.scopes),
      (answer) => parseDeviceAuthorizationResponse(answer, this.deviceAuthorizationUri),
      this.#http(options.signal),
    );
    this.#pending = { response, startedAt };
    const { deviceCode: _secret, ...shown } = response;
    return shown;
  }

  /**
   * Polls the token endpoint until the user approves, every `interval` seconds (five more after
   * each `slow_down`). Throws `ERR_ACCESS_DENIED` when the user declines,
   * `ERR_DEVICE_CODE_EXPIRED` when the code expires first, `ERR_ABORTED` on `signal`.
   */
  async poll(options: { signal?: AbortSignal } = {}): Promise<UserCredentials> {
    if (!this.#pending) {
      throw new InvalidOptionsError('DeviceFlow.poll: call start() first');
    }
    const { response, startedAt } = this.#pending;
    const deadline = startedAt + response.expiresIn * 1000;
    const sleep = this.#options.sleep ?? abortableSleep;
    let intervalMs = response.interval * 1000;
    for (;;) {
      await sleep(intervalMs, options.signal);
      if (options.signal?.aborted) throw new AbortedError();
      if (this.#now() >= deadline) throw expired(`${response.expiresIn} s passed`);
      const receivedAt = this.#now();
      try {
        const tokens = await requestToken(
          this.tokenUri,
          {
            grant_type: DEVICE_CODE_GRANT,
            device_code: response.deviceCode,
            client_id: this.clientId,
            client_secret: this.#options.clientSecret,
          },
          { http: this.#http(options.signal) },
        );
        this.#pending = undefined;
        return credentialsFromLogin(
          tokens,
          {
            clientId: this.clientId,
            clientSecret: this.#options.clientSecret,
            tokenUri: this.tokenUri,
            http: this.#options.http,
          },
          this.scopes,
          receivedAt,
        );
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        if (error.error === 'authorization_pending') continue;
        if (error.error === 'slow_down') {
          intervalMs += SLOW_DOWN_STEP_MS;
          continue;
        }
        this.#pending = undefined;
        if (error.error === 'access_denied') {
          throw new OAuthError(
            'the user declined the device login (access_denied); start the login again to retry',
            details(error),
            'ERR_ACCESS_DENIED',
          );
        }
        if (error.error === 'expired_token') {
          throw expired('the server reports expired_token', details(error));
        }
        throw error;
      }
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

function details(error: OAuthError) {
  return {
    error: error.error,
    errorDescription: error.errorDescription,
    status: error.status,
    endpoint: error.endpoint,
  };
}

function expired(why: string, from?: ReturnType<typeof details>): AuthError {
  const message = `the device code expired before the user approved (${why}); start the login again`;
  return from
    ? new OAuthError(message, from, 'ERR_DEVICE_CODE_EXPIRED')
    : new AuthError('ERR_DEVICE_CODE_EXPIRED', message);
}
