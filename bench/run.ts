/**
 * `npm run bench`: warrant and google-auth-library side by side, in one run on one machine,
 * against warrant's emulator on 127.0.0.1. Prints one table and writes the same data to
 * bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext, type BenchContext } from './context.js';
import { allowLoopbackOnly } from './loopback.js';
import { offCloudAdc } from './metrics/adc.js';
import { cachedHeaders } from './metrics/cached-headers.js';
import { coldFirstToken, coldImport } from './metrics/cold-start.js';
import { constructCredentials } from './metrics/construct.js';
import { impersonation } from './metrics/impersonation.js';
import { serviceAccountMint, userMint } from './metrics/mint.js';
import { shortLivedTokens, singleFlight } from './metrics/single-flight.js';
import { selfSignedJwts } from './metrics/self-signed.js';
import { verifyIdTokens } from './metrics/verify-id-token.js';
import { fleetMetric } from './fleet/fleet.js';
import { describeError, notes, ratiosOf, textTable, type Row } from './report.js';
import { nowMs } from './stats.js';
import { writeSummary } from './summary.js';

const RESULTS = fileURLToPath(new URL('../../bench/results/latest.json', import.meta.url));

interface Group {
  name: string;
  run: (context: BenchContext) => Promise<Row[]>;
}

/** In order: the child-process groups first, while the parent's heap is small. */
const GROUPS: readonly Group[] = [
  { name: 'cold import', run: coldImport },
  { name: 'cold time-to-first-token', run: coldFirstToken },
  { name: 'cached headers', run: cachedHeaders },
  { name: 'service-account mint', run: serviceAccountMint },
  { name: 'user mint', run: userMint },
  { name: 'single-flight', run: singleFlight },
  { name: 'short-lived tokens', run: shortLivedTokens },
  { name: 'ID-token verification', run: verifyIdTokens },
  { name: 'constructing credentials', run: constructCredentials },
  { name: 'self-signed JWTs', run: selfSignedJwts },
  { name: 'off-cloud ADC', run: offCloudAdc },
  { name: 'impersonation', run: impersonation },
  { name: 'fleet (shared Redis cache)', run: fleetMetric },
];

async function main(): Promise<void> {
  allowLoopbackOnly();
  const started = nowMs();
  const loadBefore = loadavg();
  const context = await createContext();
  const rows: Row[] = [];
  const groupSeconds: Record<string, number> = {};
  const groupErrors: Record<string, string> = {};
  // BENCH_GROUPS=mint,cached runs only the groups whose names contain one of the words.
  const only = process.env.BENCH_GROUPS?.split(',').filter(Boolean);
  const groups = only ? GROUPS.filter((g) => only.some((word) => g.name.includes(word))) : GROUPS;
  try {
    for (const group of groups) {
      const start = nowMs();
      process.stderr.write(`bench: ${group.name}...`);
      try {
        rows.push(...(await group.run(context)));
      } catch (error) {
        groupErrors[group.name] = describeError(error);
      }
      groupSeconds[group.name] = (nowMs() - start) / 1000;
      process.stderr.write(` ${groupSeconds[group.name].toFixed(1)} s\n`);
    }
  } finally {
    await context.close();
  }
  const totalSeconds = (nowMs() - started) / 1000;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageBefore: loadBefore.map((l) => +l.toFixed(2)),
    loadAverageAfter: loadavg().map((l) => +l.toFixed(2)),
  };
  const galVersion = await packageVersion('google-auth-library');
  const commit = codeCommit();

  console.log(
    `\nwarrant ${commit} vs google-auth-library ${galVersion} — node ${machine.node}, ${machine.cpus} cores, load ${machine.loadAverageBefore[0]} → ${machine.loadAverageAfter[0]}, ${totalSeconds.toFixed(0)} s`,
  );
  console.log(
    "values: medians of repetitions (↑ higher is better, ↓ lower is better); time ÷ gal, time ÷ floor: median (range) of the per-repetition ratios of warrant's time to the other's, below 1× warrant takes less time\n",
  );
  console.log(textTable(rows));
  const lines = notes(rows);
  if (lines.length > 0) console.log(`\nnotes:\n${lines.map((l) => `  ${l}`).join('\n')}`);
  for (const [group, error] of Object.entries(groupErrors))
    console.log(`\nGROUP FAILED: ${group}: ${error}`);

  await mkdir(dirname(RESULTS), { recursive: true });
  const json = {
    generatedAt: new Date().toISOString(),
    commit,
    googleAuthLibrary: galVersion,
    machine,
    totalSeconds: +totalSeconds.toFixed(1),
    groupSeconds,
    groupErrors,
    rows: rows.map((row) => ({ ...row, ratios: ratiosOf(row) })),
  };
  const text = `${JSON.stringify(json, null, 2)}\n`;
  const run = join(
    dirname(RESULTS),
    `run-${json.generatedAt.replace(/[:.]/g, '-')}-${commit.replace('+', '-')}.json`,
  );
  // Only whole invocations count among the runs the summary reports.
  await Promise.all([writeFile(RESULTS, text), only ? undefined : writeFile(run, text)]);
  const runs = await writeSummary(dirname(RESULTS));
  console.log(`\nwrote ${only ? RESULTS : run}; summary.md and ratios.svg cover ${runs} runs`);
  if (Object.keys(groupErrors).length > 0) process.exitCode = 1;
}

/**
 * The code measured: the short commit, `+dirty` when files other than bench results differ from
 * it, so that the summary never mixes runs of different code into one series.
 */
function codeCommit(): string {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    const changed = git('status', '--porcelain', '--', '.', ':!bench/results')
      .split('\n')
      .filter(Boolean);
    return `${git('rev-parse', '--short=7', 'HEAD')}${changed.length > 0 ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

async function packageVersion(name: string): Promise<string> {
  const path = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
}

await main();
