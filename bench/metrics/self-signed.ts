/**
 * Self-signed JWT headers with many API origins in rotation (no scopes, so each origin is its
 * own audience). Each contender signs every origin once first (untimed); then the time per
 * `getRequestHeaders(url)` call, visiting the origins in turn, is what a process calling that
 * many APIs pays. google-auth-library: a `JWT` without scopes, as its README shows for
 * self-signed JWTs. Its cache holds 500 audiences, so past 500 it signs on every call; it is
 * then timed on 500 calls of the rotation rather than all of them.
 */
import { JWT } from 'google-auth-library';
import { ServiceAccountCredentials } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { atMost, atMostTimesGal, measured, type Row } from '../report.js';
import { nowMs, repeatInterleaved } from '../stats.js';

const REPETITIONS = 5;
const GAL_CALLS_PER_BATCH = 500;

type Lib = 'warrant' | 'gal';

export async function selfSignedJwts(context: BenchContext): Promise<Row[]> {
  const key = context.emulator.serviceAccountKey;
  const perCall: Record<number, Record<Lib, ReturnType<typeof measured>>> = {};
  let memoryNote = '';
  for (const origins of [1, 400, 5_000]) {
    const urls = Array.from({ length: origins }, (_, i) => `https://api${i}.example.test/v1/x`);
    const heapBefore = process.memoryUsage().heapUsed;
    const warrant = ServiceAccountCredentials.fromJson(key);
    const gal = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
    });
    const call: Record<Lib, (url: string) => Promise<unknown>> = {
      warrant: async (url) => (await warrant.getRequestHeaders(url)).get('authorization'),
      gal: async (url) => (await gal.getRequestHeaders(url)).get('authorization'),
    };
    for (const url of urls) await call.warrant(url);
    if (origins === 5_000) {
      const kb = (process.memoryUsage().heapUsed - heapBefore) / origins / 1024;
      memoryNote = `warrant's cache at 5,000 origins: ~${kb.toFixed(1)} KB of heap per origin`;
    }
    for (const url of urls.slice(0, GAL_CALLS_PER_BATCH)) await call.gal(url);
    // Warm the JIT on the cached path before timing, as every other metric does.
    for (let i = 0; i < 2_000; i++) await call.warrant(urls[i % origins]);
    for (let i = 0; i < 2_000; i++)
      await call.gal(urls[i % Math.min(origins, GAL_CALLS_PER_BATCH)]);
    let next = 0;
    const times = await repeatInterleaved(['warrant', 'gal'] as const, REPETITIONS, async (lib) => {
      const batch =
        lib === 'gal' && origins > GAL_CALLS_PER_BATCH
          ? GAL_CALLS_PER_BATCH
          : Math.max(origins, 2_000);
      const start = nowMs();
      for (let i = 0; i < batch; i++) await call[lib](urls[next++ % origins]);
      return ((nowMs() - start) * 1000) / batch;
    });
    perCall[origins] = { warrant: measured(times.warrant), gal: measured(times.gal) };
  }
  const one = perCall[1].warrant.sample?.median;
  return [1, 400, 5_000].map((origins) => ({
    id: `self-signed.${origins}`,
    metric: `self-signed JWT getRequestHeaders(url), ${origins.toLocaleString('en-US')} origin${origins > 1 ? 's' : ''} in rotation`,
    unit: 'µs/call',
    better: 'lower' as const,
    ...perCall[origins],
    target:
      origins === 400
        ? atMostTimesGal(1, perCall[origins].warrant, perCall[origins].gal)
        : origins === 5_000
          ? atMost(
              one === undefined ? undefined : one * 1.1,
              '≤ 1.1× warrant at 1 origin',
              perCall[origins].warrant,
            )
          : undefined,
    ...(origins === 5_000 && { warrant: { ...perCall[origins].warrant, note: memoryNote } }),
  }));
}
