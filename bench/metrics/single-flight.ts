/**
 * Concurrency and token reuse, counted at the token endpoint: 500 concurrent callers on a fresh
 * client, on an expired token, and in waves; and 20 sequential calls with 120-second tokens.
 */
import type { BenchContext } from '../context.js';
import { galServiceAccount, warrantServiceAccount } from '../service-account-clients.js';
import {
  describeError,
  exactlyEveryTime,
  measured,
  notAvailable,
  type Measured,
  type Row,
} from '../report.js';
import { nowMs, sleep, summarize } from '../stats.js';

const RUNS = 3;
const CALLERS = 500;
const WAVES = 10;
const WAVE_SIZE = 50;
const SHORT_LIFETIME_SEC = 120;
const SEQUENTIAL_CALLS = 20;

type Lib = 'warrant' | 'gal';

interface HeadersSource {
  getRequestHeaders(): Promise<Headers>;
}

interface Burst {
  hits: number;
  ms: number;
  distinctTokens: number;
}

function newClient(lib: Lib, context: BenchContext): HeadersSource {
  return lib === 'warrant'
    ? warrantServiceAccount(context.emulator)
    : galServiceAccount(context.emulator);
}

/** Starts `waves` groups of `size` calls `gapMs` apart and waits for them all. */
async function burst(
  context: BenchContext,
  client: HeadersSource,
  waves: number,
  size: number,
  gapMs: number,
): Promise<Burst> {
  await context.emulator.resetHits();
  const start = nowMs();
  const calls: Promise<Headers>[] = [];
  for (let wave = 0; wave < waves; wave++) {
    if (wave > 0) await sleep(gapMs);
    for (let i = 0; i < size; i++) calls.push(client.getRequestHeaders());
  }
  const headers = await Promise.all(calls);
  const ms = nowMs() - start;
  const distinctTokens = new Set(headers.map((h) => h.get('authorization'))).size;
  return { hits: (await context.emulator.hits()).token, ms, distinctTokens };
}

type Case = 'fresh' | 'expired' | 'waves';

const CASES: Record<Case, string> = {
  fresh: `${CALLERS} concurrent getRequestHeaders(), fresh client`,
  expired: `${CALLERS} concurrent getRequestHeaders(), expired token`,
  waves: `${WAVES} waves × ${WAVE_SIZE} calls 1 ms apart, fresh client`,
};

export async function singleFlight(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const results: Record<Case, Record<Lib, Burst[]>> = {
    fresh: { warrant: [], gal: [] },
    expired: { warrant: [], gal: [] },
    waves: { warrant: [], gal: [] },
  };
  const failures: Partial<Record<Lib, string>> = {};
  const libs: Lib[] = ['warrant', 'gal'];

  // Expired: clients hold a real token that lived one second and has run out.
  const expiring: Record<Lib, HeadersSource[]> = { warrant: [], gal: [] };
  await emulator.setTokenLifetime(1);
  try {
    for (const lib of libs) {
      for (let run = 0; run < RUNS; run++) {
        const client = newClient(lib, context);
        await client.getRequestHeaders().catch((error: unknown) => {
          failures[lib] ??= describeError(error);
        });
        expiring[lib].push(client);
      }
    }
  } finally {
    await emulator.setTokenLifetime(3600);
  }
  await sleep(1_100);

  for (let run = 0; run < RUNS; run++) {
    for (const lib of run % 2 === 0 ? libs : [...libs].reverse()) {
      if (failures[lib]) continue;
      try {
        results.fresh[lib].push(await burst(context, newClient(lib, context), 1, CALLERS, 0));
        results.expired[lib].push(await burst(context, expiring[lib][run], 1, CALLERS, 0));
        results.waves[lib].push(await burst(context, newClient(lib, context), WAVES, WAVE_SIZE, 1));
      } catch (error) {
        failures[lib] ??= describeError(error);
      }
    }
  }

  const rows: Row[] = [];
  for (const name of Object.keys(CASES) as Case[]) {
    const pick = (lib: Lib, field: 'hits' | 'ms'): Measured => {
      const failure = failures[lib];
      if (failure) return notAvailable(failure);
      const bursts = results[name][lib];
      const distinct = summarize(bursts.map((b) => b.distinctTokens));
      return measured(
        summarize(bursts.map((b) => b[field])),
        field === 'hits'
          ? `hits per run ${bursts.map((b) => b.hits).join(', ')}; distinct tokens handed out up to ${distinct.max}`
          : undefined,
      );
    };
    const hits = { warrant: pick('warrant', 'hits'), gal: pick('gal', 'hits') };
    rows.push({
      id: `single-flight.${name}.hits`,
      metric: `${CASES[name]}: token-endpoint hits`,
      unit: 'hits',
      better: 'lower',
      ...hits,
      target: exactlyEveryTime(1, hits.warrant),
    });
    rows.push({
      id: `single-flight.${name}.ms`,
      metric: `${CASES[name]}: time until all resolve`,
      unit: 'ms',
      better: 'lower',
      warrant: pick('warrant', 'ms'),
      gal: pick('gal', 'ms'),
    });
  }
  return rows;
}

export async function shortLivedTokens(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const hits: Record<Lib, number[]> = { warrant: [], gal: [] };
  const failures: Partial<Record<Lib, string>> = {};
  await emulator.setTokenLifetime(SHORT_LIFETIME_SEC);
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const lib of ['warrant', 'gal'] as const) {
        const client = newClient(lib, context);
        await emulator.resetHits();
        try {
          for (let i = 0; i < SEQUENTIAL_CALLS; i++) await client.getRequestHeaders();
          hits[lib].push((await emulator.hits()).token);
        } catch (error) {
          failures[lib] ??= describeError(error);
        }
      }
    }
  } finally {
    await emulator.setTokenLifetime(3600);
  }
  const result = (lib: Lib): Measured => {
    const failure = failures[lib];
    return failure ? notAvailable(failure) : measured(summarize(hits[lib]));
  };
  const warrant = result('warrant');
  return [
    {
      id: 'short-lived.hits',
      metric: `${SHORT_LIFETIME_SEC} s tokens, ${SEQUENTIAL_CALLS} sequential getRequestHeaders(): token-endpoint hits`,
      unit: 'hits',
      better: 'lower',
      warrant,
      gal: result('gal'),
      target: exactlyEveryTime(1, warrant),
    },
  ];
}
