import type { Gaxios } from 'gaxios';
import { Credentials } from '../credentials/credentials.js';
import { InvalidOptionsError } from '../errors.js';
import { loadGaxios } from '../platform/gaxios.js';
import type { GaxiosOptions, GaxiosResponse } from '../platform/node-types.js';
import { isReplayableBody } from './replayable.js';

/** Options for {@link AuthorizedClient}. */
export interface AuthorizedClientOptions {
  /** Statuses that mean "the token was rejected": refresh once and replay. Default `[401]`. */
  refreshStatusCodes?: readonly number[];
  /** How many times one request may be replayed after a refresh. Default 1. */
  maxRefreshAttempts?: number;
  /**
   * The `fetch` that {@link AuthorizedClient.fetch} sends through, e.g. undici's with a
   * dispatcher of your own (pool, proxy, timeouts) or a traced one. Default: the global `fetch`,
   * looked up on each call. Token requests never use it: they go through the credentials' own
   * `http` options.
   */
  fetch?: typeof fetch;
}

/**
 * What {@link AuthorizedClient.forGoogleApis} returns: `never`, the one type assignable to the
 * `auth` option of Google's generated API clients. They declare `auth` as google-auth-library's
 * classes, whose private fields no other class can match, so no honest structural type fits.
 * `never` has no members, so any use other than passing it on (`auth.request()`, a typo) fails to
 * compile, where `any` would accept everything.
 */
export type GoogleApisAuth = never;

/**
 * An HTTP client that authorizes every request with `credentials`: it adds the headers,
 * refreshes when the token is due, and on a 401 refreshes once and replays (never a stream body).
 * Pass it as `auth` to Google's generated API clients (`googleapis`, `@googleapis/*`).
 *
 * @example
 * ```ts
 * import { drive } from '@googleapis/drive';
 * const auth = new AuthorizedClient(credentials).forGoogleApis();
 * const files = await drive({ version: 'v3', auth }).files.list();
 * ```
 */
export class AuthorizedClient {
  readonly credentials: Credentials;
  readonly #refreshStatusCodes: ReadonlySet<number>;
  readonly #maxRefreshAttempts: number;
  readonly #fetch?: typeof fetch;
  #gaxios?: Promise<Gaxios>;

  constructor(credentials: Credentials, options: AuthorizedClientOptions = {}) {
    if (!(credentials instanceof Credentials)) {
      throw new InvalidOptionsError(
        'AuthorizedClient needs credentials: a Credentials object (e.g. await defaultCredentials())',
      );
    }
    const maxRefreshAttempts = options.maxRefreshAttempts ?? 1;
    if (!Number.isInteger(maxRefreshAttempts) || maxRefreshAttempts < 0) {
      throw new InvalidOptionsError(
        `maxRefreshAttempts must be a whole number of 0 or more, not ${String(options.maxRefreshAttempts)}`,
      );
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new InvalidOptionsError('fetch must be a fetch function (or leave it out)');
    }
    this.credentials = credentials;
    this.#fetch = options.fetch;
    this.#refreshStatusCodes = new Set(options.refreshStatusCodes ?? [401]);
    this.#maxRefreshAttempts = maxRefreshAttempts;
  }

  /**
   * This client, typed for the `auth` option of Google's generated API clients. Their declared
   * type names google-auth-library's classes, whose private fields no other object can match, so
   * the value is this same client typed {@link GoogleApisAuth} (`never`): it can be passed as
   * `auth` and nothing else can be done with it at compile time. At run time those clients only
   * call `request`, `getRequestHeaders` and `getUniverseDomain`. Make your own calls on the
   * `AuthorizedClient` itself.
   *
   * @example
   * ```ts
   * import { drive } from '@googleapis/drive';
   *
   * const files = await drive({ version: 'v3', auth: client.forGoogleApis() }).files.list();
   * ```
   */
  forGoogleApis(): GoogleApisAuth {
    return this as unknown as GoogleApisAuth;
  }

  /** Headers that authorize a request to `url`. */
  getRequestHeaders(url?: string | URL): Promise<Headers> {
    return this.credentials.getRequestHeaders(url?.toString());
  }

  /** The universe of the credentials; Google's API clients check it against their own. */
  getUniverseDomain(): Promise<string> {
    return this.credentials.getUniverseDomain();
  }

  /** A gaxios request, authorized. Same options and response shape as `gaxios.request`. */
  async request<T = unknown>(options: GaxiosOptions): Promise<GaxiosResponse<T>> {
    const gaxios = await this.#loadGaxios();
    const url = options.url?.toString();
    const replayable = isReplayableBody(options.data) && isReplayableBody(options.body);
    for (let attempt = 0; ; attempt++) {
      const auth = await this.credentials.getRequestHeaders(url);
      const headers = mergeHeaders(options.headers, auth);
      try {
        const response = await gaxios.request<T>({ ...options, headers });
        if (!this.#shouldReplay(response.status, attempt, replayable)) return response;
        this.credentials.invalidate(url, bearerToken(auth));
      } catch (error) {
        const status = (error as { status?: number; response?: { status?: number } }).response
          ?.status;
        if (status === undefined || !this.#shouldReplay(status, attempt, replayable)) throw error;
        this.credentials.invalidate(url, bearerToken(auth));
      }
    }
  }

  /**
   * `fetch`, authorized: same arguments and `Response` as the global `fetch` (or the `fetch`
   * option's). The response streams: its body is the API's, of any size, never buffered here.
   *
   * Why fetch and not warrant's node:http wire, which every token request takes: this method
   * promises fetch's behaviour (redirects, decompression, every body type, streaming, `signal`),
   * which a second HTTP client would have to copy; and the cost that made the auth requests
   * leave undici, ~100 ms of exit delay after the first `fetch` on Node 20, is gone on Node 22
   * and later. To choose the client, pass `fetch`.
   */
  async fetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
    const url = input.toString();
    const replayable = isReplayableBody(init.body);
    const send = this.#fetch ?? fetch;
    for (let attempt = 0; ; attempt++) {
      const auth = await this.credentials.getRequestHeaders(url);
      const response = await send(url, { ...init, headers: mergeHeaders(init.headers, auth) });
      if (!this.#shouldReplay(response.status, attempt, replayable)) return response;
      await response.body?.cancel();
      this.credentials.invalidate(url, bearerToken(auth));
    }
  }

  #shouldReplay(status: number, attempt: number, replayable: boolean): boolean {
    return replayable && attempt < this.#maxRefreshAttempts && this.#refreshStatusCodes.has(status);
  }

  #loadGaxios(): Promise<Gaxios> {
    this.#gaxios ??= loadGaxios();
    return this.#gaxios;
  }
}

/** The caller's headers with the authorization headers set over them, in a new object. */
function mergeHeaders(base: ConstructorParameters<typeof Headers>[0], auth: Headers): Headers {
  const merged = new Headers(base);
  auth.forEach((value, key) => merged.set(key, value));
  return merged;
}

function bearerToken(headers: Headers): string | undefined {
  return headers.get('authorization')?.slice('Bearer '.length);
}
