import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenResult } from '../credentials/credentials.js';
import { InvalidOptionsError } from '../errors.js';
import { RedisConnection, RedisFault, type RedisTarget } from './redis-connection.js';
import { CacheKeys } from './sealed-value.js';
import {
  isFreshFor,
  sharedToken,
  type CachedToken,
  type RotatingSecret,
  type SharedToken,
  type SharedTokenRequest,
  type TokenCache,
} from '../credentials/token-cache.js';

/** Options for {@link RedisTokenCache}. */
export interface RedisTokenCacheOptions extends RedisTarget {
  /**
   * 32 random bytes (or their base64), the same on every process of the fleet: values are
   * sealed with AES-256-GCM under it and keys are named by HMAC under it. `openssl rand -base64 32`.
   */
  key: Uint8Array | string;
  /**
   * Store access tokens in clear, readable by anyone who can read Redis. Default false. Refresh
   * tokens are sealed either way.
   */
  plaintext?: boolean;
  /** Prefix of every key. Default `warrant:`. */
  prefix?: string;
  /** How long a process may hold the lease to mint; a dead holder is replaced after it. Default 10 s. */
  leaseMs?: number;
  /** How long a process waits for another's mint before minting itself. Default `leaseMs`. */
  waitMs?: number;
  /** Bound on each Redis command; a slower answer counts as a fault. Default 250 ms. */
  commandTimeoutMs?: number;
  /** After a fault, how long Redis is left alone (tokens are minted locally). Default 1 s. */
  retryAfterFaultMs?: number;
  /** Part of a token's served time over which the fleet's refreshes are spread. Default 0.1. */
  jitter?: number;
  /** Called on what the cache does, for logs and metrics; events carry no token or secret. */
  onEvent?: (event: TokenCacheEvent) => void;
}

/** What a {@link RedisTokenCache} did; `redisKey` is an HMAC name, never a token or secret. */
export interface TokenCacheEvent {
  type:
    | 'hit' // a fresh token was found in Redis
    | 'lease' // this process took the lease and is about to mint
    | 'mint' // this process held the lease and minted
    | 'wait' // another process held the lease; this one waited
    | 'wait-exceeded' // the wait bound passed; this process minted itself
    | 'fault' // Redis failed or was slower than the bound; this process minted itself
    | 'refused' // a value failed to open (tampered, wrong key, garbled); it was replaced
    | 'rotated'; // a rotated refresh token was stored (or another process's adopted)
  redisKey?: string;
  /** For faults: the error code or class (ECONNREFUSED, ClientOfflineError, timeout). */
  reason?: string;
}

const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
/** Takes the lease (`OK`), or answers how many ms the holder's lease has left (PTTL). */
const TAKE_LEASE = `if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'OK' end return redis.call('PTTL', KEYS[1])`;
const COMPARE_AND_SET = `local v = redis.call('GET', KEYS[1]) if (v == false and ARGV[1] == '') or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`;
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;
/** A token without an expiry is still dropped from Redis after a day. */
const UNBOUNDED_TTL_MS = 86_400_000;

interface Keys {
  token: string;
  lease: string;
  secret: string;
}

/**
 * A token cache shared by a fleet of processes through Redis (one server, or a Redis Cluster):
 * one process mints each token under a lease while the others wait for it, so a fleet makes one
 * token request per identity per token lifetime. Tokens are sealed (AES-256-GCM, the Redis key as
 * associated data) under a key every process shares. Redis trouble never reaches callers: a
 * process that cannot use Redis within the bounds mints its own token and uses Redis again later.
 * Needs the `@redis/client` package (node-redis), loaded on first use.
 *
 * @example
 * ```ts
 * import { RedisTokenCache } from 'warrant/cache';
 * const tokenCache = new RedisTokenCache({ url: 'redis://10.0.0.5:6379', key: process.env.TOKEN_CACHE_KEY! });
 * const credentials = await ServiceAccountCredentials.fromFile('key.json', { scopes, tokenCache });
 * ```
 */
export class RedisTokenCache implements TokenCache {
  readonly #keys: CacheKeys;
  readonly #connection: RedisConnection;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #waitMs: number;
  readonly #jitter: number;
  readonly #onEvent?: (event: TokenCacheEvent) => void;
  /** Per secret key, the sealed refresh token this process last saw in Redis. */
  readonly #seenSecrets = new Map<string, string | null>();

  constructor(options: RedisTokenCacheOptions) {
    if (!options || typeof options !== 'object') {
      throw new InvalidOptionsError('RedisTokenCache needs options: { url, key }');
    }
    this.#prefix = options.prefix ?? 'warrant:';
    if (typeof this.#prefix !== 'string' || !/^[^{}\s]{0,64}$/.test(this.#prefix)) {
      throw new InvalidOptionsError(
        'RedisTokenCache prefix must be at most 64 characters without braces or spaces (braces would break the hash tag that keeps one identity on one cluster slot)',
      );
    }
    this.#leaseMs = bounded(options.leaseMs, 'leaseMs', 10_000, 100, 600_000);
    this.#waitMs = bounded(options.waitMs, 'waitMs', this.#leaseMs, 0, 600_000);
    this.#jitter = bounded(options.jitter, 'jitter', 0.1, 0, 0.5);
    const commandTimeoutMs = bounded(options.commandTimeoutMs, 'commandTimeoutMs', 250, 1, 60_000);
    const retryAfterFaultMs = bounded(
      options.retryAfterFaultMs,
      'retryAfterFaultMs',
      1000,
      0,
      600_000,
    );
    if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
      throw new InvalidOptionsError('RedisTokenCache onEvent must be a function');
    }
    this.#onEvent = options.onEvent;
    this.#keys = new CacheKeys(options.key, options.plaintext === true);
    this.#connection = new RedisConnection(options, commandTimeoutMs, retryAfterFaultMs);
  }

  async fetch(request: SharedTokenRequest): Promise<SharedToken> {
    const keys = this.#keysOf(request);
    if (!this.#connection.available) return this.#mintLocally(keys, request);
    let minted: CachedToken | undefined;
    try {
      return await this.#fetchShared(keys, request, (token) => (minted = token));
    } catch (error) {
      if (!(error instanceof RedisFault)) throw error;
      this.#emit({ type: 'fault', redisKey: keys.token, reason: error.message });
      // A token minted before Redis failed is served, not minted again.
      return minted ? this.#served(keys, minted, request) : this.#mintLocally(keys, request);
    }
  }

  /** Closes the Redis connection; from then on every process mints its own tokens. */
  close(): void {
    this.#connection.close();
  }

  async #fetchShared(
    keys: Keys,
    request: SharedTokenRequest,
    onMinted: (token: CachedToken) => void,
  ): Promise<SharedToken> {
    const giveUpAt = Date.now() + this.#waitMs;
    let pollMs = FIRST_POLL_MS;
    let waited = false;
    let readFirst = true;
    for (;;) {
      if (readFirst) {
        const cached = await this.#read(keys.token);
        if (cached && isFreshFor(cached, request)) {
          await this.#syncSecret(keys.secret, request.rotatingSecret);
          this.#emit({ type: 'hit', redisKey: keys.token });
          return this.#served(keys, cached, request);
        }
      }
      const owner = randomUUID();
      const askedAt = Date.now();
      const leaseLeftMs = await this.#connection.run((redis) =>
        redis.eval(TAKE_LEASE, { keys: [keys.lease], arguments: [owner, String(this.#leaseMs)] }),
      );
      if (leaseLeftMs === 'OK') {
        this.#emit({ type: 'lease', redisKey: keys.token });
        return this.#mintAsHolder(keys, owner, request, onMinted);
      }
      if (!waited) this.#emit({ type: 'wait', redisKey: keys.token });
      waited = true;
      const now = Date.now();
      if (now >= giveUpAt) {
        this.#emit({ type: 'wait-exceeded', redisKey: keys.token });
        return this.#mintLocally(keys, request);
      }
      const { napMs, readFirst: read } = leaseNap(
        leaseLeftMs,
        pollMs,
        giveUpAt - now,
        now - askedAt,
      );
      readFirst = read;
      await sleep(napMs);
      pollMs = Math.min(pollMs * 2, MAX_POLL_MS);
    }
  }

  async #mintAsHolder(
    keys: Keys,
    owner: string,
    request: SharedTokenRequest,
    onMinted: (token: CachedToken) => void,
  ): Promise<SharedToken> {
    try {
      // The holder before this one may have stored its token between this process's read and
      // its lease: look again rather than mint a second time.
      const stored = await this.#read(keys.token);
      if (stored && isFreshFor(stored, request)) {
        await this.#syncSecret(keys.secret, request.rotatingSecret);
        this.#emit({ type: 'hit', redisKey: keys.token });
        return this.#served(keys, stored, request);
      }
      await this.#syncSecret(keys.secret, request.rotatingSecret);
      const before = request.rotatingSecret?.current();
      const cached = await this.#mint(request);
      onMinted(cached);
      this.#emit({ type: 'mint', redisKey: keys.token });
      await this.#write(keys.token, cached, request.now());
      const after = request.rotatingSecret?.current();
      if (request.rotatingSecret && after !== undefined && after !== before) {
        await this.#storeRotated(keys.secret, request.rotatingSecret);
      }
      return this.#served(keys, cached, request);
    } finally {
      await this.#connection
        .run((redis) => redis.eval(RELEASE_LEASE, { keys: [keys.lease], arguments: [owner] }))
        .catch(() => undefined);
    }
  }

  async #mintLocally(keys: Keys, request: SharedTokenRequest): Promise<SharedToken> {
    return this.#served(keys, await this.#mint(request), request);
  }

  /**
   * The token with its jittered refresh point. The jitter is a hash of the identity's key and the
   * token's mint and expiry times, not a random draw per process: with random draws the earliest
   * of N processes (≈ the full jitter early) would refresh every token, so a fleet would mint
   * more often than one process. This way every process, and a lone one, agrees on the point.
   */
  #served(keys: Keys, cached: CachedToken, request: SharedTokenRequest): SharedToken {
    const digest = createHash('sha256')
      .update(`${keys.token}\n${cached.issuedAt}\n${cached.token.expiresAt ?? ''}`)
      .digest();
    return sharedToken(cached, request, this.#jitter * (digest.readUIntBE(0, 6) / 2 ** 48));
  }

  async #mint(request: SharedTokenRequest): Promise<CachedToken> {
    const issuedAt = request.now();
    const token: TokenResult = await request.mint();
    return { token, issuedAt };
  }

  async #read(redisKey: string): Promise<CachedToken | undefined> {
    const value = await this.#connection.run((redis) => redis.get(redisKey));
    if (value === null) return undefined;
    const cached = this.#keys.openToken(value, redisKey);
    if (!cached) this.#emit({ type: 'refused', redisKey });
    return cached;
  }

  async #write(redisKey: string, cached: CachedToken, now: number): Promise<void> {
    const expiresAt = cached.token.expiresAt;
    const ttl = expiresAt === undefined ? UNBOUNDED_TTL_MS : Math.floor(expiresAt - now);
    if (ttl <= 0) return;
    const value = this.#keys.sealToken(cached, redisKey);
    await this.#connection.run((redis) =>
      redis.set(redisKey, value, {
        expiration: { type: 'PX', value: Math.min(ttl, UNBOUNDED_TTL_MS) },
      }),
    );
  }

  /**
   * Brings this process and Redis to the newest refresh token. The stored one wins, unless this
   * process rotated while Redis was away: then Redis still holds what this process last saw
   * there, and this process's newer token is stored by compare-and-set.
   */
  async #syncSecret(redisKey: string, rotating: RotatingSecret | undefined): Promise<void> {
    if (!rotating) return;
    const stored = await this.#connection.run((redis) => redis.get(redisKey));
    const storedSecret = stored === null ? undefined : this.#keys.openSecret(stored, redisKey);
    if (stored !== null && storedSecret === undefined) this.#emit({ type: 'refused', redisKey });
    const seen = this.#seenSecrets.get(redisKey);
    this.#seenSecrets.set(redisKey, stored);
    if (storedSecret === rotating.current()) return;
    if (storedSecret === undefined || (seen !== undefined && seen === stored)) {
      await this.#storeRotated(redisKey, rotating);
    } else {
      rotating.adopt(storedSecret);
    }
  }

  /** Stores this process's refresh token if Redis still holds what it last saw there. */
  async #storeRotated(redisKey: string, rotating: RotatingSecret): Promise<void> {
    const expected = this.#seenSecrets.get(redisKey) ?? '';
    const sealed = this.#keys.sealSecret(rotating.current(), redisKey);
    const stored = await this.#connection.run((redis) =>
      redis.eval(COMPARE_AND_SET, { keys: [redisKey], arguments: [expected, sealed] }),
    );
    if (stored === 1) {
      this.#seenSecrets.set(redisKey, sealed);
      this.#emit({ type: 'rotated', redisKey });
      return;
    }
    // Another process rotated first: the fleet keeps that one.
    const winner = await this.#connection.run((redis) => redis.get(redisKey));
    const secret = winner === null ? undefined : this.#keys.openSecret(winner, redisKey);
    this.#seenSecrets.set(redisKey, winner);
    if (secret !== undefined) {
      rotating.adopt(secret);
      this.#emit({ type: 'rotated', redisKey });
    }
  }

  #keysOf(request: SharedTokenRequest): Keys {
    // The braces are a hash tag: a Redis Cluster puts all three keys on one slot.
    const base = `${this.#prefix}{${this.#keys.nameOf(request.identity)}}`;
    return { token: `${base}:token`, lease: `${base}:lease`, secret: `${base}:refresh` };
  }

  #emit(event: TokenCacheEvent): void {
    if (!this.#onEvent) return;
    try {
      this.#onEvent(event);
    } catch {
      // A failing logger must not fail a token request.
    }
  }
}

/**
 * How long a waiter sleeps after finding the lease held with `leaseLeftMs` left (Redis PTTL: -2
 * when it was released meanwhile, -1 when it has no expiry), and whether it then reads the token
 * before trying the lease. It wakes at the next poll, or exactly when the lease runs out if that
 * comes first, so a dead holder is replaced within the lease time rather than up to one poll
 * later; then it tries the lease at once (its re-read as holder still finds a token stored just
 * before). `sinceAskedMs` is the time since the PTTL was asked for: the lease ran down meanwhile
 * (a slow answer on a loaded machine), and waking early only costs one more try.
 */
export function leaseNap(
  leaseLeftMs: unknown,
  pollMs: number,
  waitLeftMs: number,
  sinceAskedMs = 0,
): { napMs: number; readFirst: boolean } {
  // Released just now: the holder's token is most likely stored already.
  if (leaseLeftMs === -2) return { napMs: 0, readFirst: true };
  const untilFree =
    typeof leaseLeftMs === 'number' && leaseLeftMs >= 0
      ? Math.max(0, leaseLeftMs + 1 - Math.max(0, sinceAskedMs))
      : Number.POSITIVE_INFINITY;
  const napMs = Math.max(0, Math.min(pollMs, waitLeftMs, untilFree));
  return { napMs, readFirst: napMs < untilFree };
}

function bounded(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidOptionsError(
      `RedisTokenCache ${name} must be a number from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}
