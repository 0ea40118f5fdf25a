import { AuthError, InvalidOptionsError } from '../errors.js';
import { exchange } from '../http/exchange.js';
import { describeUrl } from '../http/send.js';
import { checkEndpointUrl } from '../http/endpoint-url.js';
import type { HttpOptions } from '../http/types.js';
import {
  buildKeySetRequest,
  parseKeySetResponse,
  type KeySetFormat,
  type VerificationKey,
} from './key-set.js';
import { RecentlyUsedMap, type RecentlyUsed } from '../recently-used-map.js';

/** Options for {@link PublicKeyCache}. */
export interface PublicKeyCacheOptions {
  /**
   * The shortest time between two fetches of one URL caused by unknown key ids, in milliseconds:
   * the first unknown `kid` refetches at once, the next only this long after it, so a flood of
   * forged key ids cannot hammer the key endpoint. Default 30 000.
   */
  minRefetchIntervalMs?: number;
  /** How long to keep a key set whose response had no Cache-Control max-age. Default 300 s. */
  defaultMaxAgeSec?: number;
  /** How many key URLs to remember, least recently used dropped first. Default 16. */
  maxUrls?: number;
  /** Timeout and retries of key fetches. */
  http?: HttpOptions;
  /** Source of the current time in epoch milliseconds; for tests. */
  clock?: () => number;
  /** Fetch keys from plain-http URLs on hosts other than loopback; for test setups only. */
  allowInsecureHttp?: boolean;
}

interface CachedKeySet extends RecentlyUsed {
  keys: Map<string, VerificationKey>;
  /** Epoch ms at which the set is fetched again before use. */
  expiresAt: number;
  /** Epoch ms of the last fetch started because a token named a key the set lacked. */
  missFetchedAt: number;
}

/**
 * Public keys of ID-token issuers, per key URL: fetched on first use, parsed once into
 * KeyObjects, kept for the response's Cache-Control max-age, and refetched at once when a token
 * names a key id the cached set lacks, as happens right after a key rotation; further misses
 * refetch at most once per {@link PublicKeyCacheOptions.minRefetchIntervalMs}, so a flood of
 * forged key ids costs a bounded number of fetches. Concurrent fetches of one URL share one request.
 *
 * Keys belong to the URL they were fetched from: a key published for IAP never verifies a token
 * checked against Google's sign-in keys.
 *
 * @example
 * ```ts
 * const keyCache = new PublicKeyCache({ minRefetchIntervalMs: 60_000 });
 * const verifier = new IdTokenVerifier({ keyCache });
 * ```
 */
export class PublicKeyCache {
  readonly #sets: RecentlyUsedMap<string, CachedKeySet>;
  readonly #inflight = new Map<string, Promise<CachedKeySet>>();
  readonly #minRefetchIntervalMs: number;
  readonly #defaultMaxAgeSec: number;
  readonly #http?: HttpOptions;
  readonly #clock: () => number;
  readonly #allowInsecureHttp: boolean;

  constructor(options: PublicKeyCacheOptions = {}) {
    this.#minRefetchIntervalMs = nonNegative(
      options.minRefetchIntervalMs,
      30_000,
      'minRefetchIntervalMs',
    );
    this.#defaultMaxAgeSec = nonNegative(options.defaultMaxAgeSec, 300, 'defaultMaxAgeSec');
    const maxUrls = options.maxUrls ?? 16;
    if (!Number.isInteger(maxUrls) || maxUrls < 1) {
      throw new InvalidOptionsError(
        `maxUrls must be a whole number of 1 or more, not ${String(options.maxUrls)}`,
      );
    }
    this.#sets = new RecentlyUsedMap(maxUrls);
    this.#http = options.http;
    this.#clock = options.clock ?? Date.now;
    this.#allowInsecureHttp = options.allowInsecureHttp === true;
  }

  /** The key `kid` of `url` if it is cached and fresh; never fetches. */
  peek(url: string, kid: string): VerificationKey | undefined {
    const set = this.#sets.get(url);
    return set && this.#clock() < set.expiresAt ? set.keys.get(kid) : undefined;
  }

  /**
   * The key `kid` published at `url`, fetching the set when it is missing or stale, or when it
   * lacks `kid` and no miss has refetched it within the minimum refetch interval. Throws
   * `ERR_ID_TOKEN_KEY_NOT_FOUND` when the (re)fetched set has no such key.
   */
  async get(url: string, format: KeySetFormat, kid: string): Promise<VerificationKey> {
    let set = this.#sets.get(url);
    const now = this.#clock();
    const stale = set === undefined || now >= set.expiresAt;
    const mayRefetch = set === undefined || now - set.missFetchedAt >= this.#minRefetchIntervalMs;
    if (stale) {
      set = await this.#fetch(url, format);
    } else if (!set!.keys.has(kid) && mayRefetch) {
      // The first miss refetches at once (a rotated key verifies on its first use); the next
      // ones wait for the interval, whether this fetch succeeds or fails.
      set!.missFetchedAt = now;
      set = await this.#fetch(url, format);
    }
    const key = set?.keys.get(kid);
    if (key) return key;
    throw new AuthError(
      'ERR_ID_TOKEN_KEY_NOT_FOUND',
      `no key with kid ${JSON.stringify(kid.slice(0, 64))} is published at ${describeUrl(url)}: the token was signed by another issuer's key, or with a key that is not (or no longer) published there`,
    );
  }

  /** Forgets every cached key set. */
  clear(): void {
    this.#sets.clear();
  }

  #fetch(url: string, format: KeySetFormat): Promise<CachedKeySet> {
    checkEndpointUrl(url, 'the key set URL (jwksUrl or certsUrl)', this.#allowInsecureHttp);
    let inflight = this.#inflight.get(url);
    if (!inflight) {
      inflight = this.#download(url, format).finally(() => this.#inflight.delete(url));
      this.#inflight.set(url, inflight);
    }
    return inflight;
  }

  async #download(url: string, format: KeySetFormat): Promise<CachedKeySet> {
    const fetchedAt = this.#clock();
    const previous = this.#sets.get(url);
    const { keys, maxAgeSec } = await exchange(
      buildKeySetRequest(url),
      (response) => parseKeySetResponse(response, url, format),
      this.#http,
    );
    const lifetimeMs = Math.max(
      (maxAgeSec ?? this.#defaultMaxAgeSec) * 1000,
      this.#minRefetchIntervalMs,
    );
    const set = {
      keys,
      missFetchedAt: previous?.missFetchedAt ?? Number.NEGATIVE_INFINITY,
      expiresAt: fetchedAt + lifetimeMs,
      recentlyUsed: false,
    };
    this.#sets.set(url, set);
    return set;
  }
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionsError(`${name} must be a number of 0 or more, not ${String(value)}`);
  }
  return value;
}
