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
 *
 * Beside them, in the same repetitions, the least any per-origin cache can do: a bare `Map`
 * from the audience (read off the URL as warrant reads it) to a header object, behind an async
 * call, at 1 and 5,000 origins. Its own 5,000 ÷ 1 ratio is what memory alone costs on this
 * machine once 5,000 origins' entries no longer sit in the CPU caches; the note of the 5,000
 * row gives it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JWT } from 'google-auth-library';
import { ServiceAccountCredentials } from '../../src/index.js';
import { audienceOf } from '../../src/service-account/audience.js';
import type { BenchContext } from '../context.js';
import { atMostTimesFloor, atMostTimesGal, measured, type Measured, type Row } from '../report.js';
import { lessBaseline, nowMs, ratioSample, repeatInterleaved, type Sample } from '../stats.js';

const REPETITIONS = 7;
const GAL_CALLS_PER_BATCH = 500;
/** Whole rotations at every origin count, and long enough (~10 ms) to ride out a busy moment. */
const WARRANT_CALLS_PER_BATCH = 20_000;
const ORIGINS = [1, 400, 5_000] as const;

type Lib = 'warrant' | 'gal' | 'map';
type Contender = `${Lib}@${(typeof ORIGINS)[number]}`;

export async function selfSignedJwts(context: BenchContext): Promise<Row[]> {
  const key = context.emulator.serviceAccountKey;
  const calls = new Map<Contender, Batch>();
  const signed = new Map<number, { urls: string[]; warrant: ServiceAccountCredentials }>();
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
    calls.set(`warrant@${origins}`, {
      call: async () =>
        (await warrant.getRequestHeaders(urls[next++ % origins])).get('authorization'),
      batch: WARRANT_CALLS_PER_BATCH,
    });
    let galNext = 0;
    calls.set(`gal@${origins}`, {
      call: async () =>
        (await gal.getRequestHeaders(urls[galNext++ % origins])).get('authorization'),
      batch: origins > GAL_CALLS_PER_BATCH ? GAL_CALLS_PER_BATCH : Math.max(origins, 2_000),
    });
    signed.set(origins, { urls, warrant });
  }
  const times = await timeInterleaved(calls);
  // Built and timed after warrant's timing, never before or beside it: with the bare Map in
  // the same process earlier, warrant at one origin took ~0.05 µs more (a second caller of
  // audienceOf, shared JIT feedback), which would move warrant's own 5,000 ÷ 1 ratio.
  const bareCalls = new Map<Contender, Batch>();
  for (const origins of [1, 5_000] as const) {
    const { urls, warrant } = signed.get(origins) as {
      urls: string[];
      warrant: ServiceAccountCredentials;
    };
    bareCalls.set(`map@${origins}`, await bareMapCalls(urls, warrant));
  }
  const bareTimes = await timeInterleaved(bareCalls);
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
        warrant: { ...warrant, note: `${memoryNote}; ${bareMapNote(times, bareTimes)}` },
        floor: one,
        target: atMostTimesFloor(1.1, warrant, one, '≤ 1.1× warrant at 1 origin'),
      };
    }
    return row;
  });
}

interface Batch {
  call: (i: number) => Promise<unknown>;
  batch: number;
}

/** Warms the JIT on every contender's cached path, then times them in interleaved batches. */
async function timeInterleaved(calls: Map<Contender, Batch>): Promise<Record<Contender, Sample>> {
  for (const { call, batch } of calls.values()) {
    for (let i = 0; i < Math.min(batch, 2_000); i++) await call(i);
  }
  return repeatInterleaved([...calls.keys()], REPETITIONS, async (name) => {
    const { call, batch } = calls.get(name) as Batch;
    const start = nowMs();
    for (let i = 0; i < batch; i++) await call(i);
    return ((nowMs() - start) * 1000) / batch;
  });
}

/**
 * The least any per-origin cache can do, on the same URLs and tokens: a bare `Map` from the
 * audience (read off the URL as warrant reads it) to a header object, behind an async call.
 */
async function bareMapCalls(urls: string[], warrant: ServiceAccountCredentials): Promise<Batch> {
  const bare = new Map<string, BareHeaders>();
  for (const url of urls) {
    const authorization = (await warrant.getRequestHeaders(url)).get('authorization') ?? '';
    bare.set([...audienceOf(url)].join(''), new BareHeaders(authorization));
  }
  const lookup = async (url: string) => bare.get(audienceOf(url)) as BareHeaders;
  let next = 0;
  return {
    call: async () => (await lookup(urls[next++ % urls.length])).get('authorization'),
    batch: WARRANT_CALLS_PER_BATCH,
  };
}

/** A header object with nothing but the header: the least a cache can hand back. */
class BareHeaders {
  constructor(readonly authorization: string) {}

  get(name: string): string | null {
    return name === 'authorization' ? this.authorization : null;
  }
}

/**
 * The bare Map's 5,000-origin time over its own one-origin time, per repetition, and what 5,000
 * origins add to each call in absolute terms, warrant's and the bare Map's.
 */
function bareMapNote(times: Record<string, Sample>, bareTimes: Record<string, Sample>): string {
  const r = ratioSample(bareTimes['map@5000'], bareTimes['map@1']);
  const warrantOverMap = ratioSample(times['warrant@5000'], bareTimes['map@5000']);
  if (!r || !warrantOverMap) return 'no bare-Map floor';
  const range = (x: Sample) => `${x.median.toFixed(2)}× (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;
  const warrantExtra = lessBaseline(times['warrant@5000'], times['warrant@1']).median;
  const mapExtra = lessBaseline(bareTimes['map@5000'], bareTimes['map@1']).median;
  return `a bare Map keyed by origin takes ${range(r)} its own one-origin time at 5,000 origins (${bareTimes['map@1'].median.toFixed(3)} → ${bareTimes['map@5000'].median.toFixed(3)} µs, timed after warrant); warrant at 5,000 takes ${range(warrantOverMap)} the bare Map's time there; time added by 5,000 origins over one: warrant ${warrantExtra.toFixed(3)} µs, the bare Map ${mapExtra.toFixed(3)} µs`;
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
