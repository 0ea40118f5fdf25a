import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  RedisTokenCache,
  type RedisTokenCacheOptions,
  type TokenCacheEvent,
} from '../src/cache/redis-token-cache.js';
import { UserCredentials } from '../src/credentials/user-credentials.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { FAST_HTTP, useEmulator } from './support/emulator.js';
import { RedisCluster, RedisServer } from './support/redis.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Tests that count mints must not see a loaded machine's slow answer as a Redis fault. */
const PATIENT = { commandTimeoutMs: 10_000 };

/** A RedisTokenCache standing for one process of a fleet, with the events it reported. */
interface Process {
  cache: RedisTokenCache;
  events: TokenCacheEvent[];
  credentials: ServiceAccountCredentials;
}

describe('RedisTokenCache on a real Redis server', () => {
  const emulator = useEmulator();
  let redis: RedisServer;
  const key = randomBytes(32).toString('base64');
  const open: RedisTokenCache[] = [];

  // Starting redis-server and the first import of the Redis client are slow on a loaded machine.
  before(async function () {
    this.timeout(60_000);
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    for (const cache of open.splice(0)) cache.close();
    redis.resume();
    await redis.cli('flushall');
  });
  after(async () => {
    await redis?.stop();
  });

  function processWith(options: Partial<RedisTokenCacheOptions> = {}): Process {
    const events: TokenCacheEvent[] = [];
    const cache = new RedisTokenCache({
      url: redis.url,
      key,
      onEvent: (event) => events.push(event),
      ...PATIENT,
      ...options,
    } as RedisTokenCacheOptions);
    open.push(cache);
    const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
      scopes: [SCOPE],
      http: FAST_HTTP,
      tokenCache: cache,
    });
    return { cache, events, credentials };
  }

  const types = (p: Process) => p.events.map((e) => e.type);

  it('makes one token request for eight processes asking at once', async function () {
    this.timeout(60_000);
    emulator.current.setLatency(30);
    const fleet = Array.from({ length: 8 }, () => processWith());
    const tokens = await Promise.all(fleet.map((p) => p.credentials.getAccessToken()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(emulator.current.hits.token, 1);
    assert.equal(fleet.filter((p) => types(p).includes('mint')).length, 1);
  });

  it('has every process agree when a shared token is due, so the fleet refreshes it at one moment', async function () {
    this.timeout(60_000);
    emulator.current.setTokenLifetime(20);
    let now = Date.now();
    const clock = () => now;
    const accounts = [
      emulator.current.serviceAccountKey,
      emulator.current.createServiceAccount(),
      emulator.current.createServiceAccount(),
    ];
    const fleet = Array.from({ length: 4 }, () => {
      const { cache } = processWith();
      return accounts.map((account) =>
        ServiceAccountCredentials.fromJson(account, {
          scopes: [SCOPE],
          http: FAST_HTTP,
          tokenCache: cache,
          clock,
        }),
      );
    });
    try {
      for (const credentials of fleet.flat()) await credentials.getAccessToken();
      assert.equal(emulator.current.hits.token, accounts.length);
      // A 20 s token is served half its life, about 10 s; jitter moves that up to 10 % earlier.
      const start = now;
      const dueAfter = accounts.map(() => 0);
      for (let ms = 8400; ms <= 10_100; ms += 10) {
        now = start + ms;
        accounts.forEach((_, i) => {
          const due = new Set(fleet.map((process) => process[i].expired));
          assert.equal(due.size, 1, `the processes disagree on identity ${i} at ${ms} ms`);
          if (due.has(true) && !dueAfter[i]) dueAfter[i] = ms;
        });
      }
      assert.ok(
        dueAfter.every((ms) => ms > 8400),
        String(dueAfter),
      );
      assert.ok(new Set(dueAfter).size > 1, 'tokens of different identities came due together');
      await Promise.all(fleet.flat().map((credentials) => credentials.getAccessToken()));
      assert.equal(emulator.current.hits.token, 2 * accounts.length);
    } finally {
      emulator.current.setTokenLifetime(3600);
    }
  });

  it('hands a process that starts later the token already in Redis', async () => {
    const first = await processWith().credentials.getAccessToken();
    const later = processWith();
    assert.equal(await later.credentials.getAccessToken(), first);
    assert.deepEqual(types(later), ['hit']);
    assert.equal(emulator.current.hits.token, 1);
  });

  it('mints a new token when a process refreshes the one Redis holds (a 401, refresh())', async () => {
    const a = processWith();
    const b = processWith();
    const first = await a.credentials.getAccessToken();
    assert.equal(await b.credentials.getAccessToken(), first);
    await b.credentials.refresh();
    assert.notEqual(b.credentials.token, first);
    // a is handed b's new token rather than minting a third.
    await a.credentials.refresh();
    assert.equal(a.credentials.token, b.credentials.token);
    assert.equal(emulator.current.hits.token, 2);
  });

  it('names keys by HMAC and seals values: no token, email or scope in Redis in clear', async () => {
    const token = await processWith().credentials.getAccessToken();
    const dump = await redis.cli('--no-raw', 'eval', DUMP_ALL, '0');
    for (const secret of [token, emulator.current.serviceAccountKey.client_email, SCOPE]) {
      assert.ok(!dump.includes(secret), `Redis shows ${secret.slice(0, 8)}…`);
    }
    assert.match(dump, /warrant:\{[A-Za-z0-9_-]{22}\}:token/);
    assert.match(dump, /v1\./);
  });

  it('stores tokens in clear only when plaintext is opted into', async () => {
    const token = await processWith({ plaintext: true }).credentials.getAccessToken();
    const dump = await redis.cli('--no-raw', 'eval', DUMP_ALL, '0');
    assert.match(dump, /p1\./);
    assert.ok(dump.includes(Buffer.from(token).toString('base64url').slice(0, 20)));
  });

  it('finds a value written under another key useless: refused, then minted anew', async () => {
    const first = await processWith().credentials.getAccessToken();
    const stranger = processWith({ key: randomBytes(32) });
    // Another key names identities differently, so the stranger cannot even find the value...
    assert.notEqual(await stranger.credentials.getAccessToken(), first);
    // ...and a value copied under its name does not open.
    const [theirs] = stranger.events.map((e) => e.redisKey as string);
    const [ours] = (await redis.cli('--raw', 'keys', '*:token'))
      .trim()
      .split('\n')
      .filter((k) => k !== theirs);
    await redis.cli('copy', ours, theirs, 'replace');
    await stranger.credentials.refresh();
    assert.ok(types(stranger).includes('refused'));
    assert.equal(emulator.current.hits.token, 3);
  });

  it('refuses a tampered value and mints a new token in its place', async () => {
    const a = processWith();
    const first = await a.credentials.getAccessToken();
    const redisKey = a.events[0].redisKey as string;
    const value = (await redis.cli('--raw', 'get', redisKey)).trim();
    const flipped = value.slice(0, -5) + (value.at(-5) === 'A' ? 'B' : 'A') + value.slice(-4);
    await redis.cli('set', redisKey, flipped);
    const b = processWith();
    const second = await b.credentials.getAccessToken();
    assert.notEqual(second, first);
    // Refused when read, and again when read once more under the lease.
    assert.deepEqual([...new Set(types(b))], ['refused', 'lease', 'mint']);
    assert.notEqual((await redis.cli('--raw', 'get', redisKey)).trim(), flipped);
  });

  it('refuses a value moved to another identity: the Redis key is sealed into it', async () => {
    const a = processWith();
    await a.credentials.getAccessToken();
    const other = emulator.current.createServiceAccount();
    const events: TokenCacheEvent[] = [];
    const cache = new RedisTokenCache({
      url: redis.url,
      key,
      onEvent: (e) => events.push(e),
      ...PATIENT,
    });
    open.push(cache);
    const b = ServiceAccountCredentials.fromJson(other, { scopes: [SCOPE], tokenCache: cache });
    await b.getAccessToken();
    await redis.cli(
      'copy',
      a.events[0].redisKey as string,
      events[0].redisKey as string,
      'replace',
    );
    await b.refresh();
    assert.ok(events.some((e) => e.type === 'refused'));
    const echo = await fetch(emulator.current.echoUrl, { headers: await b.getRequestHeaders() });
    const body = (await echo.json()) as { principal: string };
    assert.equal(body.principal, other.client_email);
  });

  it('mints locally when Redis is down at start, and uses Redis once it is back', async () => {
    await redis.kill();
    const a = processWith({ retryAfterFaultMs: 0 });
    assert.ok(await a.credentials.getAccessToken());
    assert.equal(types(a)[0], 'fault');
    await redis.restart();
    // The client reconnects on its own schedule: refresh until a token goes through Redis.
    while (!types(a).includes('mint')) await a.credentials.refresh();
    const b = processWith();
    assert.equal(await b.credentials.getAccessToken(), a.credentials.token);
    assert.deepEqual(types(b), ['hit']);
  });

  it('keeps serving callers when Redis is killed mid-run, then shares again', async () => {
    const a = processWith({ retryAfterFaultMs: 0 });
    await a.credentials.getAccessToken();
    await redis.kill();
    await a.credentials.refresh();
    assert.equal(types(a).at(-1), 'fault');
    await redis.restart();
    while (types(a).at(-1) !== 'mint') await a.credentials.refresh();
    const b = processWith();
    assert.equal(await b.credentials.getAccessToken(), a.credentials.token);
    assert.deepEqual(types(b), ['hit']);
  });

  it('mints locally when Redis answers slower than the command bound', async () => {
    const a = processWith({ commandTimeoutMs: 50 });
    await a.credentials.getAccessToken();
    a.events.length = 0;
    redis.pause();
    await a.credentials.refresh();
    assert.deepEqual(
      a.events.map((e) => [e.type, e.reason]),
      [['fault', 'no answer within 50 ms']],
    );
    // While Redis is left alone after the fault, refreshes do not wait for it at all.
    await a.credentials.refresh();
    assert.equal(a.events.length, 1);
    assert.equal(emulator.current.hits.token, 3);
  });

  it('lets a waiter mint itself once the wait bound passes with the lease still held', async () => {
    const a = processWith();
    await a.credentials.getAccessToken();
    const tokenKey = a.events[0].redisKey as string;
    await redis.cli('del', tokenKey);
    await redis.cli('set', tokenKey.replace(/:token$/, ':lease'), 'someone-else', 'px', '600000');
    const b = processWith({ waitMs: 50 });
    assert.ok(await b.credentials.getAccessToken());
    assert.deepEqual(types(b), ['wait', 'wait-exceeded']);
  });

  it('releases the lease only for its owner (compare-and-delete)', async () => {
    const a = processWith();
    await a.credentials.getAccessToken();
    const lease = (a.events[0].redisKey as string).replace(/:token$/, ':lease');
    assert.equal((await redis.cli('exists', lease)).trim(), '0');
    // A lease taken by someone else meanwhile survives this process's release.
    await redis.cli('set', lease, 'someone-else', 'px', '600000');
    await redis.cli('del', a.events[0].redisKey as string);
    const b = processWith({ waitMs: 0 });
    await b.credentials.getAccessToken();
    assert.equal((await redis.cli('--raw', 'get', lease)).trim(), 'someone-else');
  });

  it('rotates a refresh token once for the fleet: the others adopt it from Redis', async () => {
    emulator.current.state.rotateRefreshTokens = true;
    try {
      const json = emulator.current.createUser();
      const user = () => {
        const cache = new RedisTokenCache({ url: redis.url, key, ...PATIENT });
        open.push(cache);
        return UserCredentials.fromJson(json, { tokenCache: cache, http: FAST_HTTP });
      };
      const [a, b] = [user(), user()];
      await a.getAccessToken();
      assert.notEqual(a.refreshToken, json.refresh_token);
      await b.getAccessToken();
      assert.equal(b.refreshToken, a.refreshToken);
      // b mints with the rotated token (the original would get invalid_grant)...
      await b.refresh();
      // ...and a is handed b's token and b's rotated refresh token, without a mint of its own.
      await a.refresh();
      assert.equal(a.token, b.token);
      assert.equal(a.refreshToken, b.refreshToken);
      assert.equal(emulator.current.hits.token, 2);
      const dump = await redis.cli('--no-raw', 'eval', DUMP_ALL, '0');
      assert.ok(!dump.includes(a.refreshToken) && !dump.includes(json.refresh_token));
    } finally {
      emulator.current.state.rotateRefreshTokens = false;
    }
  });

  it('during an outage rotates locally, then stores that newer refresh token when Redis returns', async () => {
    emulator.current.state.rotateRefreshTokens = true;
    try {
      const json = emulator.current.createUser();
      const events: TokenCacheEvent[] = [];
      const cache = new RedisTokenCache({
        url: redis.url,
        key,
        ...PATIENT,
        retryAfterFaultMs: 0,
        onEvent: (e) => events.push(e),
      });
      open.push(cache);
      const a = UserCredentials.fromJson(json, { tokenCache: cache, http: FAST_HTTP });
      await a.getAccessToken();
      await redis.kill();
      await a.refresh();
      const rotatedInOutage = a.refreshToken;
      assert.equal(events.at(-1)?.type, 'fault');
      await redis.restart();
      // A restarted Redis without persistence has forgotten everything: a's token is stored.
      while (events.at(-1)?.type !== 'mint' && events.at(-1)?.type !== 'rotated') {
        await a.refresh();
      }
      const later = new RedisTokenCache({ url: redis.url, key, ...PATIENT });
      open.push(later);
      const b = UserCredentials.fromJson(json, { tokenCache: later, http: FAST_HTTP });
      await b.refresh();
      assert.equal(b.refreshToken, a.refreshToken);
      assert.notEqual(b.refreshToken, rotatedInOutage, 'a rotated again after Redis returned');
    } finally {
      emulator.current.state.rotateRefreshTokens = false;
    }
  });

  it('validates its options, naming the option and the fix', () => {
    const bad: [Partial<RedisTokenCacheOptions>, RegExp][] = [
      [{ key: 'c2hvcnQ=' }, /key must be 32 bytes.*openssl rand -base64 32/],
      [{ url: undefined }, /exactly one of url .* or clusterNodes/],
      [{ url: 'http://127.0.0.1:6379' }, /redis:\/\/ or rediss:\/\//],
      [{ prefix: 'a{b}' }, /prefix .* without braces/],
      [{ leaseMs: -1 }, /leaseMs must be a number from 100/],
      [{ commandTimeoutMs: Number.NaN }, /commandTimeoutMs/],
      [{ jitter: 2 }, /jitter must be a number from 0 to 0.5/],
    ];
    for (const [options, message] of bad) {
      assert.throws(
        () => new RedisTokenCache({ url: redis.url, key, ...options } as RedisTokenCacheOptions),
        { code: 'ERR_INVALID_OPTIONS', message },
      );
    }
  });
});

describe('RedisTokenCache on a three-master Redis Cluster', () => {
  const emulator = useEmulator();
  let cluster: RedisCluster;
  const key = randomBytes(32);

  before(async function () {
    this.timeout(60_000);
    cluster = await RedisCluster.start();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('shares one mint across processes, with one identity keys on one slot', async () => {
    emulator.current.setLatency(20);
    const caches: RedisTokenCache[] = [];
    const events: TokenCacheEvent[] = [];
    const identities = [
      emulator.current.serviceAccountKey,
      emulator.current.createServiceAccount(),
    ];
    try {
      const fleet = Array.from({ length: 6 }, (_, i) => {
        const cache = new RedisTokenCache({
          clusterNodes: cluster.urls,
          key,
          ...PATIENT,
          onEvent: (e) => events.push(e),
        });
        caches.push(cache);
        return ServiceAccountCredentials.fromJson(identities[i % 2], {
          scopes: [SCOPE],
          tokenCache: cache,
        });
      });
      const tokens = await Promise.all(fleet.map((c) => c.getAccessToken()));
      assert.ok(!events.some((e) => e.type === 'fault'), JSON.stringify(events));
      assert.equal(new Set(tokens).size, 2);
      assert.equal(emulator.current.hits.token, 2);
      const tokenKey = events.find((e) => e.type === 'mint')?.redisKey as string;
      const keys = ['token', 'lease', 'refresh'].map((suffix) =>
        tokenKey.replace(/token$/, suffix),
      );
      // Redis Cluster hashes only the text between the first { and the next }: one tag, one slot.
      const tags = keys.map((k) => /\{([^}]+)\}/.exec(k)?.[1]);
      assert.ok(tags[0], `no hash tag in ${tokenKey}`);
      assert.deepEqual(new Set(tags), new Set([tags[0]]), keys.join(' '));
      const slots = [];
      for (const k of keys) slots.push(await cluster.nodes[0].cli('cluster', 'keyslot', k));
      assert.equal(new Set(slots).size, 1, `slots ${slots.join(', ')} for ${keys.join(' ')}`);
    } finally {
      for (const cache of caches) cache.close();
    }
  });
});

/** Every key and its value, for tests that look for secrets in Redis. */
const DUMP_ALL = `local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do table.insert(out, k) table.insert(out, redis.call('GET', k)) end return out`;
