import { ServiceAccountCredentials } from '../../src/index.js';
import { MemoryTokenCache } from '../../src/cache/index.js';
import { CLOUD_PLATFORM, type Step } from '../tour.js';

export const fleet: Step = {
  title: 'Token caches: one token for many credentials objects, one mint per fleet',
  explain:
    'A token cache shares tokens between credentials for the same identity: MemoryTokenCache inside one process (no Redis), RedisTokenCache across a fleet, where one process mints under a lease.',
  file: 'steps/fleet.ts',
  async run({ emulator, show, check }) {
    const tokenCache = new MemoryTokenCache();
    const before = emulator.hits.token;
    // Two parts of a program, each building its own credentials for the same service account.
    const [a, b] = [1, 2].map(() =>
      ServiceAccountCredentials.fromJson(emulator.serviceAccountKey, {
        scopes: [CLOUD_PLATFORM],
        tokenCache,
      }),
    );
    const [tokenA, tokenB] = [await a.getAccessToken(), await b.getAccessToken()];
    const requests = emulator.hits.token - before;
    show('shared', `two credentials objects, same token: ${tokenA === tokenB}`);
    show('requests', `${requests} token request (without a cache: 2)`);
    show('fleet', 'RedisTokenCache does the same across processes: docs/fleet.md');
    check(requests === 1 && tokenA === tokenB, 'the cache shared one token');
  },
};
