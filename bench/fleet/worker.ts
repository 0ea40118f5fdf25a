/**
 * One process of the fleet: credentials for every identity, sharing tokens through Redis when a
 * URL is given. Gets a first token for each identity (so 32 processes loading and connecting at
 * once are not part of the run), prints `ready`, waits for `go` on stdin, then calls
 * getRequestHeaders() for every identity, every 20 ms, for `durationMs`, from tokens refreshed at
 * `go`. Prints each cache event as `event <type> <redisKey> <epoch
 * ms>` and finally one JSON line `{calls, errors}`.
 *   worker <config.json>
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { ServiceAccountCredentials } from '../../src/service-account/service-account-credentials.js';
import type { ServiceAccountKeyJson } from '../../src/testing/index.js';

export interface WorkerConfig {
  keys: ServiceAccountKeyJson[];
  redisUrl?: string;
  cacheKey: string;
  leaseMs: number;
  durationMs: number;
  commandTimeoutMs: number;
}

const config = JSON.parse(await readFile(process.argv[2], 'utf8')) as WorkerConfig;
const tokenCache =
  config.redisUrl === undefined
    ? undefined
    : new RedisTokenCache({
        url: config.redisUrl,
        key: config.cacheKey,
        leaseMs: config.leaseMs,
        // A waiter outwaits a live holder on a loaded machine; a dead one's lease runs out first.
        waitMs: 10 * config.leaseMs,
        commandTimeoutMs: config.commandTimeoutMs,
        onEvent: (event) =>
          process.stdout.write(`event ${event.type} ${event.redisKey} ${Date.now()}\n`),
      });
const fleet = config.keys.map((key) =>
  ServiceAccountCredentials.fromJson(key, {
    scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    tokenCache,
    http: { timeoutMs: 30_000 },
  }),
);
await Promise.all(fleet.map((credentials) => credentials.getRequestHeaders()));
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'go') break;
}
// Every run starts from tokens minted at 'go' (one per identity, fleet or lone process alike):
// the first tokens above are older in a big fleet, which would come due earlier in the run.
await Promise.all(fleet.map((credentials) => credentials.refresh()));
let calls = 0;
let errors = 0;
const end = Date.now() + config.durationMs;
// One caller per identity, as a service's concurrent requests are: one identity waiting for its
// token does not hold up the others.
await Promise.all(
  fleet.map(async (credentials) => {
    while (Date.now() < end) {
      try {
        await credentials.getRequestHeaders();
        calls++;
      } catch {
        errors++;
      }
      await sleep(20);
    }
  }),
);
tokenCache?.close();
process.stdout.write(`${JSON.stringify({ calls, errors })}\n`);
process.exit(0);
