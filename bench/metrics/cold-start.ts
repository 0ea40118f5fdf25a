/**
 * Cold start, each in fresh `node` processes: importing the library (wall time and RSS growth
 * over an empty script), and the first request headers from a service-account key file.
 */
import type { BenchContext } from '../context.js';
import { atMostTimesGal, measured, notAvailable, type Measured, type Row } from '../report.js';
import { childFailure, childScript, runChild } from '../spawn.js';
import { repeatInterleaved, summarize } from '../stats.js';

// The import deltas are ~10–40 ms over a ~45 ms bare `node` start; with 9 processes a run's
// median moved by ±8 ms, so 25 (about 6 s in all).
const IMPORT_RUNS = 25;
const FIRST_TOKEN_RUNS = 7;
const CHILD_TIMEOUT_MS = 20_000;

type ImportTarget = 'none' | 'warrant' | 'gal';

interface ImportOutput {
  rss: number;
  anonymous?: number;
  ms: number;
}

type Memory = 'rss' | 'anonymous';

export async function coldImport(context: BenchContext): Promise<Row[]> {
  const script = childScript('import');
  const memory: Record<Memory, Record<ImportTarget, number[]>> = {
    rss: { none: [], warrant: [], gal: [] },
    anonymous: { none: [], warrant: [], gal: [] },
  };
  const failures: Partial<Record<ImportTarget, string>> = {};
  const wall = await repeatInterleaved<ImportTarget>(
    ['none', 'warrant', 'gal'],
    IMPORT_RUNS,
    async (target) => {
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
      memory.rss[target].push(run.output.rss);
      if (run.output.anonymous !== undefined) memory.anonymous[target].push(run.output.anonymous);
      return run.wallMs;
    },
  );
  if (failures.none) throw new Error(`the empty import child failed: ${failures.none}`);
  const baselineMs = wall.none.median;
  const overBaseline = (target: 'warrant' | 'gal'): Measured => {
    const failure = failures[target];
    if (failure) return notAvailable(failure);
    const s = wall[target];
    return measured({
      ...s,
      median: s.median - baselineMs,
      min: s.min - baselineMs,
      max: s.max - baselineMs,
    });
  };
  const growth = (kind: Memory, target: 'warrant' | 'gal'): Measured => {
    const failure = failures[target];
    if (failure) return notAvailable(failure);
    const values = memory[kind][target];
    if (values.length === 0) return notAvailable('no /proc/self/smaps_rollup (Linux only)');
    const baseline = summarize(memory[kind].none).median;
    return measured(summarize(values.map((bytes) => (bytes - baseline) / 2 ** 20)));
  };
  const importMs = { warrant: overBaseline('warrant'), gal: overBaseline('gal') };
  const rss = { warrant: growth('rss', 'warrant'), gal: growth('rss', 'gal') };
  const anonymous = { warrant: growth('anonymous', 'warrant'), gal: growth('anonymous', 'gal') };
  const baselineMb = (summarize(memory.rss.none).median / 2 ** 20).toFixed(0);
  return [
    {
      id: 'import.wall',
      metric: `cold import, wall minus empty script (${baselineMs.toFixed(0)} ms)`,
      unit: 'ms',
      better: 'lower',
      ...importMs,
      target: atMostTimesGal(0.5, importMs.warrant, importMs.gal),
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

export async function coldFirstToken(context: BenchContext): Promise<Row[]> {
  const { emulator } = context;
  const script = childScript('first-token');
  const failures: Partial<Record<'warrant' | 'gal', string>> = {};
  const times = await repeatInterleaved<'warrant' | 'gal'>(
    ['warrant', 'gal'],
    FIRST_TOKEN_RUNS,
    async (lib) => {
      const hitsBefore = emulator.hits.token;
      const run = await runChild<FirstTokenOutput>(
        script,
        [lib, context.keyFile, emulator.tokenUrl],
        context.childEnv(),
        CHILD_TIMEOUT_MS,
      );
      const hits = emulator.hits.token - hitsBefore;
      if (!run.output?.bearer || hits !== 1) {
        failures[lib] = run.output
          ? `expected one token mint, saw ${hits} (bearer: ${run.output.bearer})`
          : childFailure(run);
        return Number.NaN;
      }
      return run.output.ms;
    },
  );
  const result = (lib: 'warrant' | 'gal'): Measured =>
    failures[lib] ? notAvailable(failures[lib]) : measured(times[lib]);
  return [
    {
      id: 'first-token.cold',
      metric: 'cold time-to-first-token (process start → headers)',
      unit: 'ms',
      better: 'lower',
      warrant: result('warrant'),
      gal: result('gal'),
    },
  ];
}
