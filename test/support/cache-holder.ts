// A child process for the lease tests: mints one token through a RedisTokenCache and prints
// each cache event on its own line ("lease <redis key>", "mint <redis key>", ...), then "token".
//   cache-holder <config.json>   config: { redisUrl, key, leaseMs, serviceAccountKey, scopes }
import { readFile } from 'node:fs/promises';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { ServiceAccountCredentials } from '../../src/service-account/service-account-credentials.js';

const [configFile] = process.argv.slice(2);
if (configFile) {
  const config = JSON.parse(await readFile(configFile, 'utf8')) as {
    redisUrl: string;
    key: string;
    leaseMs: number;
    serviceAccountKey: unknown;
    scopes: string[];
  };
  const tokenCache = new RedisTokenCache({
    url: config.redisUrl,
    key: config.key,
    leaseMs: config.leaseMs,
    onEvent: (event) => process.stdout.write(`${event.type} ${event.redisKey}\n`),
  });
  const credentials = ServiceAccountCredentials.fromJson(config.serviceAccountKey, {
    scopes: config.scopes,
    tokenCache,
  });
  await credentials.getAccessToken();
  process.stdout.write('token\n');
  tokenCache.close();
}
