/**
 * The fleet metric (issue #12): 32 worker processes × 8 identities against the emulator (in its
 * own process) with short-lived tokens, over at least three token lifetimes. Token-endpoint hits
 * of the whole fleet ÷ the hits of one process alone in the same time, on the same Redis cache so
 * both refresh tokens at the same jittered point (goal 1.0); the same with
 * Redis killed for a stretch mid-run (extra mints, caller errors) and with a lease holder
 * SIGKILLed mid-mint (takeover time); and the cached getRequestHeaders() path with the shared
 * cache configured ÷ without. Registered in bench/run.ts; runs alone as
 * `node dist/bench/fleet/fleet.js` after `npm run build`.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { ServiceAccountCredentials } from '../../src/service-account/service-account-credentials.js';
import type { ServiceAccountKeyJson } from '../../src/testing/index.js';
import { RedisServer } from '../../test/support/redis.js';
import { measured, notAvailable, type Row } from '../report.js';
import { opsPerSecond, summarize } from '../stats.js';
import type { WorkerConfig } from './worker.js';

const PROCESSES = 32;
const IDENTITIES = 8;
const TOKEN_LIFETIME_SEC = 6;
/** Three and a half lifetimes. */
const DURATION_MS = 21_000;
const LEASE_MS = 1000;
/** 32 processes on a small machine answer slower than the 250 ms default now and then. */
const COMMAND_TIMEOUT_MS = 1000;
/** Mint latency while a holder is killed, so the kill lands mid-mint. */
const SLOW_MINT_MS = 500;
/** The cache's defaults, for the outage bound. */
const RETRY_AFTER_FAULT_MS = 1000;
const JITTER = 0.1;

interface FleetRun {
  hits: number;
  errors: number;
  calls: number;
  /** Kill → the next lease on the killed holder's identity, taken by another process, ms. */
  takeoverMs?: number;
  /** The killed holder's lease → its kill, ms: the takeover after the lease began is the sum. */
  leaseToKillMs?: number;
  /** Cache events of the whole fleet, per type: `mint`, `hit`, `wait-exceeded`, `fault`… */
  events: Record<string, number>;
  /** Per identity (its Redis key), `mint` and `fault` events: where the extra mints come from. */
  perIdentity: Map<string, Record<string, number>>;
  /** Per identity, when its lease holders minted (epoch ms): the fleet's refresh period. */
  mintTimes: Map<string, number[]>;
}

interface Scenario {
  processes: number;
  redis?: RedisServer;
  /** Kill Redis at 40 % of the run and restart it at 60 %. */
  outage?: boolean;
  /**
   * SIGKILL a lease holder after 40 % of the run, mid-mint, once another process waits for it:
   * the first holder after that point for whose identity a wait comes before its mint.
   */
  killHolder?: boolean;
}

const here = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

export async function fleetMetric(): Promise<Row[]> {
  const dir = await mkdtemp(join(tmpdir(), 'warrant-fleet-'));
  const emulator = fork(
    here('emulator-process'),
    [String(TOKEN_LIFETIME_SEC), String(IDENTITIES)],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  const started = reply(emulator, undefined);
  const redis = await RedisServer.start();
  try {
    const { keys } = (await started) as { keys: ServiceAccountKeyJson[] };
    const cacheKey = randomBytes(32).toString('base64');
    const run = (scenario: Scenario) => runFleet(dir, emulator, keys, cacheKey, scenario);
    const unshared = await run({ processes: 1 });
    const alone = await run({ processes: 1, redis });
    console.error(
      `[fleet] one process without a cache: ${unshared.hits / IDENTITIES} mints per identity; with the Redis cache: ${alone.hits / IDENTITIES} (${eventNote(alone)})`,
    );
    const fleet = await run({ processes: PROCESSES, redis });
    const outage = await run({ processes: PROCESSES, redis, outage: true });
    await reply(emulator, { cmd: 'latency', ms: SLOW_MINT_MS });
    const killed = await run({ processes: PROCESSES, redis, killHolder: true });
    await reply(emulator, { cmd: 'latency', ms: 0 });
    const headers = await cachedHeaderRatio(keys[0], redis);
    return rows(alone, fleet, outage, killed, headers);
  } finally {
    emulator.send({ cmd: 'stop' });
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function runFleet(
  dir: string,
  emulator: ChildProcess,
  keys: ServiceAccountKeyJson[],
  cacheKey: string,
  scenario: Scenario,
): Promise<FleetRun> {
  await scenario.redis?.cli('flushall');
  const config: WorkerConfig = {
    keys,
    redisUrl: scenario.redis?.url,
    cacheKey,
    leaseMs: LEASE_MS,
    durationMs: DURATION_MS,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
  };
  const configFile = join(dir, 'worker.json');
  await writeFile(configFile, JSON.stringify(config));
  const workers = Array.from({ length: scenario.processes }, () =>
    spawn(process.execPath, [here('worker'), configFile], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  let calls = 0;
  let errors = 0;
  let killAfter = Number.POSITIVE_INFINITY;
  let started = Number.POSITIVE_INFINITY;
  let holder: { key: string; leaseAt: number; worker: ChildProcess } | undefined;
  let killed: { key: string; at: number; leaseAt: number; pid?: number } | undefined;
  let leaseToKillMs: number | undefined;
  let takeoverMs: number | undefined;
  const events: Record<string, number> = {};
  const perIdentity = new Map<string, Record<string, number>>();
  const mintTimes = new Map<string, number[]>();
  const ready = workers.map(
    (worker) =>
      new Promise<void>((resolve) => {
        createInterface({ input: worker.stdout! }).on('line', (line) => {
          if (line === 'ready') return resolve();
          if (line.startsWith('{')) {
            const result = JSON.parse(line) as { calls: number; errors: number };
            calls += result.calls;
            errors += result.errors;
            return;
          }
          const [, type, key, at] = line.split(' ');
          if (Date.now() >= started) count(events, perIdentity, type, key);
          if (Date.now() >= started && type === 'mint') {
            mintTimes.set(key, [...(mintTimes.get(key) ?? []), Number(at)]);
          }
          if (scenario.killHolder && !killed) {
            // The holder dies once another process waits for its token: a holder that minted
            // before anyone needed the token would delay nobody, and its takeover would only
            // say when the next process happened to need one.
            if (!holder && type === 'lease' && Date.now() >= killAfter) {
              holder = { key, leaseAt: Number(at), worker };
            } else if (holder?.key === key && type === 'mint') {
              holder = undefined;
            } else if (holder?.key === key && type === 'wait' && worker !== holder.worker) {
              killed = { key, at: Date.now(), leaseAt: holder.leaseAt, pid: holder.worker.pid };
              holder.worker.kill('SIGKILL');
            }
          } else if (killed && takeoverMs === undefined && type === 'lease' && key === killed.key) {
            takeoverMs = Number(at) - killed.at;
            leaseToKillMs = killed.at - killed.leaseAt;
          }
        });
      }),
  );
  const exited = workers.map((worker) => once(worker, 'close'));
  await Promise.all(ready);
  await reply(emulator, { cmd: 'hits' });
  started = Date.now();
  for (const worker of workers) worker.stdin!.write('go\n');
  killAfter = started + DURATION_MS * 0.4;
  if (scenario.outage && scenario.redis) {
    await sleepUntil(started + DURATION_MS * 0.4);
    await scenario.redis.kill();
    await sleepUntil(started + DURATION_MS * 0.6);
    await scenario.redis.restart();
  }
  await Promise.all(exited);
  const { hits } = (await reply(emulator, { cmd: 'hits' })) as { hits: number };
  return { hits, errors, calls, takeoverMs, leaseToKillMs, events, perIdentity, mintTimes };
}

function count(
  events: Record<string, number>,
  perIdentity: Map<string, Record<string, number>>,
  type: string,
  key: string,
): void {
  events[type] = (events[type] ?? 0) + 1;
  let tally = perIdentity.get(key);
  if (!tally) perIdentity.set(key, (tally = {}));
  tally[type] = (tally[type] ?? 0) + 1;
}

/** What the fleet's caches did: events per type, and local mints per identity (min–max). */
function eventNote(run: FleetRun): string {
  const types = Object.entries(run.events)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const mints = [...run.perIdentity.values()].map((tally) => tally.mint ?? 0);
  const range = mints.length ? `${Math.min(...mints)}–${Math.max(...mints)}` : '0';
  const gaps = [...run.mintTimes.values()].flatMap((times) =>
    times.slice(1).map((at, i) => at - times[i]),
  );
  const period = gaps.length
    ? `${Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length)} ms`
    : 'n/a';
  return `events: ${types || 'none'}; lease-holder mints per identity ${range}, mean ${period} apart`;
}

/** getRequestHeaders() on a fresh token, with the Redis cache configured and without. */
async function cachedHeaderRatio(key: ServiceAccountKeyJson, redis: RedisServer): Promise<number> {
  const tokenCache = new RedisTokenCache({ url: redis.url, key: randomBytes(32) });
  try {
    const options = { scopes: ['https://www.googleapis.com/auth/cloud-platform'] };
    const plain = ServiceAccountCredentials.fromJson(key, options);
    const shared = ServiceAccountCredentials.fromJson(key, { ...options, tokenCache });
    await Promise.all([plain.getRequestHeaders(), shared.getRequestHeaders()]);
    const rates = await opsPerSecond(
      { plain: () => plain.getRequestHeaders(), shared: () => shared.getRequestHeaders() },
      { warmupOps: 5_000, batchMs: 100, maxOps: 10_000_000, repetitions: 7, chunk: 64 },
    );
    return rates.shared.median / rates.plain.median;
  } finally {
    tokenCache.close();
  }
}

function rows(
  alone: FleetRun,
  fleet: FleetRun,
  outage: FleetRun,
  killed: FleetRun,
  headers: number,
): Row[] {
  const perIdentity = (run: FleetRun) => run.hits / IDENTITIES;
  const ratio = (run: FleetRun) => summarize([run.hits / alone.hits]);
  const errorNote = (run: FleetRun) =>
    `${run.errors} caller errors in ${run.calls.toLocaleString('en-US')} calls; ${perIdentity(run)} mints per identity vs ${perIdentity(alone)} alone; ${eventNote(run)}`;
  const row = (id: string, metric: string, run: FleetRun, extra = ''): Row => ({
    id,
    metric,
    unit: '× one process',
    better: 'lower',
    warrant: measured(ratio(run), `${errorNote(run)}${extra}`),
    gal: notAvailable('google-auth-library has no shared token cache'),
    target: { text: '≈ 1.0, no caller error', met: run.errors === 0 && ratio(run).median <= 1.2 },
  });
  const result: Row[] = [
    row('fleet.hits', `token hits, ${PROCESSES} processes × ${IDENTITIES} identities`, fleet),
    {
      ...row(
        'fleet.hits.outage',
        'the same, Redis killed for 20 % of the run',
        outage,
        `; ${outage.hits - fleet.hits} extra mints (bound ${outageBound()}: docs/fleet.md)`,
      ),
      // Without Redis no process can share, so "≈ 1.0" cannot hold here by design: each mints
      // its own once per refresh period; the bound docs/fleet.md derives is what is promised.
      target: {
        text: `extra mints ≤ ${outageBound()} (docs/fleet.md), no caller error`,
        met: outage.errors === 0 && outage.hits - fleet.hits <= outageBound(),
      },
    },
    {
      ...row(
        'fleet.hits.killed-holder',
        'the same, a lease holder SIGKILLed mid-mint',
        killed,
        `; lease taken over ${killed.takeoverMs ?? 'never'} ms after the kill, which came ${killed.leaseToKillMs ?? '?'} ms after the holder took the lease, once another process waited for it (lease ${LEASE_MS} ms, mint ${SLOW_MINT_MS} ms)`,
      ),
      // The lease runs out LEASE_MS after the holder took it, whenever the kill came: a kill
      // right after the lease cannot be taken over sooner than LEASE_MS after it, so the bound
      // counts from the lease, with a tenth for timers firing late on a loaded machine.
      target: {
        text: `takeover ≤ 1.1 × lease (${LEASE_MS} ms) after the holder took it, no caller error`,
        met:
          killed.errors === 0 &&
          killed.takeoverMs !== undefined &&
          killed.leaseToKillMs !== undefined &&
          killed.leaseToKillMs + killed.takeoverMs <= 1.1 * LEASE_MS,
      },
    },
  ];
  result.push({
    id: 'fleet.headers.cached',
    metric: 'cached getRequestHeaders(), Redis cache ÷ none',
    unit: '×',
    better: 'higher',
    warrant: measured(summarize([headers])),
    gal: notAvailable('no shared token cache'),
    target: { text: '≥ 0.9×', met: headers >= 0.9 },
  });
  return result;
}

/**
 * Most local mints a Redis outage allows: each process mints at most once per identity per
 * refresh period (half the 6 s lifetime, less the jitter) while Redis is away and for
 * `retryAfterFaultMs` after.
 */
function outageBound(): number {
  const outageMs = DURATION_MS * 0.2 + RETRY_AFTER_FAULT_MS;
  const periodMs = ((TOKEN_LIFETIME_SEC * 1000) / 2) * (1 - JITTER);
  return PROCESSES * IDENTITIES * (Math.floor(outageMs / periodMs) + 1);
}

/** Sends `message` (unless undefined) and resolves with the child's next message. */
function reply(child: ChildProcess, message: object | undefined): Promise<unknown> {
  const answer = once(child, 'message').then(([value]) => value);
  if (message) child.send(message);
  return answer;
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await fleetMetric();
  for (const row of result) {
    console.log(
      `${row.metric}: ${row.warrant.sample?.median.toFixed(2)} ${row.unit} — ${row.warrant.note ?? ''} — target ${row.target?.text}: ${row.target?.met ? 'met' : 'NOT met'}`,
    );
  }
}
