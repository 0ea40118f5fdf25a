import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { leaseNap, RedisTokenCache, type TokenCacheEvent } from '../src/cache/redis-token-cache.js';
import { ServiceAccountCredentials } from '../src/service-account/service-account-credentials.js';
import { compileForChild } from './support/compile-for-child.js';
import { useEmulator } from './support/emulator.js';
import { RedisServer } from './support/redis.js';

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

describe('the RedisTokenCache lease across processes', () => {
  const emulator = useEmulator();
  let redis: RedisServer;
  let dir: string;
  let holder: string;

  before(async function () {
    this.timeout(60_000);
    redis = await RedisServer.start();
    dir = await mkdtemp(join(tmpdir(), 'warrant-lease-'));
    holder = await compileForChild('test/support/cache-holder.ts', join(dir, 'compiled'));
  });
  after(async () => {
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('replaces a holder SIGKILLed mid-mint once its lease runs out, without a caller error', async function () {
    this.timeout(60_000);
    const key = randomBytes(32).toString('base64');
    // Long enough that the lease is surely still held when this test looks at it.
    const leaseMs = 8000;
    const config = join(dir, 'holder.json');
    await writeFile(
      config,
      JSON.stringify({
        redisUrl: redis.url,
        key,
        leaseMs,
        serviceAccountKey: emulator.current.serviceAccountKey,
        scopes: [SCOPE],
      }),
    );
    // The holder's token request never gets an answer: it dies holding the lease.
    emulator.current.fail('token', { hang: true });
    const child = spawn(process.execPath, [holder, config], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    let tokenKey = '';
    for await (const line of createInterface({ input: child.stdout })) {
      const [event, redisKey] = line.split(' ');
      if (event === 'lease') {
        tokenKey = redisKey;
        break;
      }
    }
    child.kill('SIGKILL');
    await exited;
    const lease = tokenKey.replace(/:token$/, ':lease');
    assert.ok(Number(await redis.cli('pttl', lease)) > 0, 'the dead holder left its lease');

    const events: TokenCacheEvent[] = [];
    const cache = new RedisTokenCache({
      url: redis.url,
      key,
      leaseMs,
      waitMs: 600_000,
      commandTimeoutMs: 10_000,
      onEvent: (event) => events.push(event),
    });
    try {
      const credentials = ServiceAccountCredentials.fromJson(emulator.current.serviceAccountKey, {
        scopes: [SCOPE],
        tokenCache: cache,
      });
      assert.ok(await credentials.getAccessToken());
      // It took the lease over when it ran out, rather than giving up at its wait bound (how
      // long it waited first depends on how fast this process got here).
      const types = events.map((e) => e.type).filter((type) => type !== 'wait');
      assert.deepEqual(types, ['lease', 'mint']);
      assert.equal(emulator.current.hits.token, 2);
    } finally {
      cache.close();
    }
  });

  it('wakes a waiter when the held lease runs out if that comes before its next poll, and tries the lease first', () => {
    // 40 ms left on the lease, next poll in 100 ms: wake just after the lease's end, take it over.
    assert.deepEqual(leaseNap(40, 100, 5000), { napMs: 41, readFirst: false });
    // The answer took 25 ms: the lease has run down that much meanwhile.
    assert.deepEqual(leaseNap(40, 100, 5000, 25), { napMs: 16, readFirst: false });
    assert.deepEqual(leaseNap(40, 100, 5000, 90), { napMs: 0, readFirst: false });
    // The lease outlasts the poll: poll, and read the token first (the holder may have stored it).
    assert.deepEqual(leaseNap(900, 100, 5000), { napMs: 100, readFirst: true });
    // The wait bound comes first: wake for it and read once more.
    assert.deepEqual(leaseNap(900, 100, 30), { napMs: 30, readFirst: true });
    // Released meanwhile (PTTL -2): read again at once; no expiry (-1): poll.
    assert.deepEqual(leaseNap(-2, 100, 5000), { napMs: 0, readFirst: true });
    assert.deepEqual(leaseNap(-1, 100, 5000), { napMs: 100, readFirst: true });
  });
});
