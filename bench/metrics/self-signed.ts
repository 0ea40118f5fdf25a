/**
 * Self-signed JWT headers with many API origins in rotation (no scopes, so each origin is its
 * own audience). Each client signs every origin once first (untimed); then the time per
 * `getRequestHeaders(url)` call, visiting the origins in turn, is what a process calling that
 * many APIs pays. google-auth-library: a `JWT` without scopes, as its README shows for
 * self-signed JWTs. Its cache holds 500 audiences, so past 500 it signs on every call; it is
 * then timed on 500 calls of the rotation rather than all of them. warrant is timed on 20,000
 * calls at every origin count, so the 1-origin floor is no shorter (noisier) than the rest.
 *
 * All six batches (two libraries × 1, 400 and 5,000 origins) run interleaved in every
 * repetition, so "at 5,000 origins ≤ 1.1× warrant at one" is a per-repetition ratio too: the
 * 5,000 and 400 rows take warrant at one origin as their floor.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JWT } from 'google-auth-library';
import { ServiceAccountCredentials } from '../../src/index.js';
import type { BenchContext } from '../context.js';
import { atMostTimesFloor, atMostTimesGal, measured, type Measured, type Row } from '../report.js';
import { nowMs, repeatInterleaved } from '../stats.js';

const REPETITIONS = 7;
const GAL_CALLS_PER_BATCH = 500;
/** Whole rotations at every origin count, and long enough (~10 ms) to ride out a busy moment. */
const WARRANT_CALLS_PER_BATCH = 20_000;
const ORIGINS = [1, 400, 5_000] as const;

type Lib = 'warrant' | 'gal';
type Contender = `${Lib}@${(typeof ORIGINS)[number]}`;

export async function selfSignedJwts(context: BenchContext): Promise<Row[]> {
  const key = context.emulator.serviceAccountKey;
  const calls = {} as Record<Contender, { call: (i: number) => Promise<unknown>; batch: number }>;
  let memoryNote = '';
  for (const origins of ORIGINS) {
    const urls = Array.from({ length: origins }, (_, i) => `https://api${i}.example.test/v1/x`);
    const heapBefore = liveHeap();
    const warrant = ServiceAccountCredentials.fromJson(key);
    const gal = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
    });
    for (const url of urls) await warrant.getRequestHeaders(url);
    if (origins === 5_000) {
      const kb = (liveHeap() - heapBefore) / origins / 1024;
      memoryNote = `warrant's cache at 5,000 origins: ~${kb.toFixed(1)} KB of heap per origin (bounded at 10,000 origins per credentials object)`;
    }
    for (const url of urls.slice(0, GAL_CALLS_PER_BATCH)) await gal.getRequestHeaders(url);
    let next = 0;
    calls[`warrant@${origins}`] = {
      call: async () =>
        (await warrant.getRequestHeaders(urls[next++ % origins])).get('authorization'),
      batch: WARRANT_CALLS_PER_BATCH,
    };
    let galNext = 0;
    calls[`gal@${origins}`] = {
      call: async () =>
        (await gal.getRequestHeaders(urls[galNext++ % origins])).get('authorization'),
      batch: origins > GAL_CALLS_PER_BATCH ? GAL_CALLS_PER_BATCH : Math.max(origins, 2_000),
    };
  }
  const contenders = Object.keys(calls) as Contender[];
  // Warm the JIT on the cached paths before timing, as every other metric does.
  for (const name of contenders) {
    for (let i = 0; i < Math.min(calls[name].batch, 2_000); i++) await calls[name].call(i);
  }
  const times = await repeatInterleaved(contenders, REPETITIONS, async (name) => {
    const { call, batch } = calls[name];
    const start = nowMs();
    for (let i = 0; i < batch; i++) await call(i);
    return ((nowMs() - start) * 1000) / batch;
  });
  const one: Measured = {
    ...measured(times['warrant@1']),
    note: 'floor: warrant itself at 1 origin',
  };
  return ORIGINS.map((origins) => {
    const warrant = measured(times[`warrant@${origins}`]);
    const gal = measured(times[`gal@${origins}`]);
    const row: Row = {
      id: `self-signed.${origins}`,
      metric: `self-signed JWT getRequestHeaders(url), ${origins.toLocaleString('en-US')} origin${origins > 1 ? 's' : ''} in rotation`,
      unit: 'µs/call',
      better: 'lower',
      warrant,
      gal,
    };
    if (origins === 400) return { ...row, floor: one, target: atMostTimesGal(1, warrant, gal) };
    if (origins === 5_000) {
      return {
        ...row,
        warrant: { ...warrant, note: memoryNote },
        floor: one,
        target: atMostTimesFloor(1.1, warrant, one, '≤ 1.1× warrant at 1 origin'),
      };
    }
    return row;
  });
}

/**
 * Bytes of heap still in use after a full garbage collection, so the per-origin figure counts
 * what the cache keeps rather than whatever garbage signing left behind.
 */
function liveHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
