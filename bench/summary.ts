/**
 * Every bench invocation kept in bench/results/run-*.json, summarised per commit of the code
 * measured: per metric, each invocation's ratio (the median of its per-repetition time ratios),
 * the median and range over the invocations, and how many met the target. Runs of different
 * commits are never mixed: the latest commit's series comes first and is the one charted; older
 * series follow. Writes bench/results/summary.md (the tables BENCHMARKS.md quotes) and
 * bench/results/ratios.svg (each metric's ratio against its goal). No run is left out.
 * `node dist/bench/summary.js` rewrites both from the runs kept.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Goal, Ratios, Row } from './report.js';
import { summarize, type Sample } from './stats.js';

export interface RunFile {
  generatedAt: string;
  /** Absent in runs made before runs were labelled; then taken from the file name, if there. */
  commit?: string;
  machine: { node: string; cpus: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  rows: (Row & { ratios?: Ratios })[];
}

/** One invocation's time ratio to `other`: its per-repetition median, or (older runs) of medians. */
function runRatio(row: RunFile['rows'][number], other: 'gal' | 'floor'): number | undefined {
  const perRepetition = row.ratios?.[other]?.median;
  if (perRepetition !== undefined) return perRepetition;
  const w = row.warrant.sample?.median;
  const o = row[other]?.sample?.median;
  if (w === undefined || o === undefined || w <= 0 || o <= 0) return undefined;
  return row.better === 'lower' ? w / o : o / w;
}

/** The ratio goals of a run made before targets carried them, read from the target's text. */
function legacyGoals(text: string): Goal[] {
  const goals: Goal[] = [];
  for (const part of text.split('; ')) {
    const upTo = /^≤ ([\d.]+)× gal$/.exec(part);
    const within = /^within ([\d.]+)× of floor$/.exec(part);
    const atLeast = /^≥ ([\d.]+)× gal$/.exec(part);
    if (upTo) goals.push({ vs: 'gal', atMost: Number(upTo[1]) });
    if (within) goals.push({ vs: 'floor', atMost: Number(within[1]) });
    if (atLeast) goals.push({ vs: 'gal', atMost: 1 / Number(atLeast[1]) });
  }
  return goals;
}

interface Line {
  metric: string;
  target: string;
  goals: Goal[];
  unit: string;
  warrant: number[];
  vs: Record<'gal' | 'floor', number[]>;
  met: number;
  judged: number;
}

interface Series {
  commit: string;
  runs: RunFile[];
  lines: Map<string, Line>;
}

function seriesOf(commit: string, runs: RunFile[]): Series {
  const lines = new Map<string, Line>();
  for (const run of runs) {
    for (const row of run.rows) {
      const line = lines.get(row.id) ?? {
        metric: row.metric.replace(/ \(\d+ (ms|MB)\)/, ''),
        target: row.target?.text ?? '',
        goals: row.target?.goals ?? legacyGoals(row.target?.text ?? ''),
        unit: row.unit,
        warrant: [],
        vs: { gal: [], floor: [] },
        met: 0,
        judged: 0,
      };
      // Each invocation adds one entry per column (NaN when it had no number), so the columns
      // list the invocations in the same order.
      line.warrant.push(row.warrant.sample?.median ?? Number.NaN);
      for (const other of ['gal', 'floor'] as const) {
        line.vs[other].push(runRatio(row, other) ?? Number.NaN);
      }
      if (row.target?.met !== undefined) {
        line.judged++;
        if (row.target.met) line.met++;
      }
      lines.set(row.id, line);
    }
  }
  return { commit, runs, lines };
}

const fixed = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);

function ratioCell(values: number[]): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '—';
  const s = summarize(finite);
  const each = values.map((v) => (Number.isFinite(v) ? v.toFixed(2) : '–')).join(', ');
  return finite.length === 1
    ? `${s.median.toFixed(2)}×`
    : `**${s.median.toFixed(2)}×** (${s.min.toFixed(2)}–${s.max.toFixed(2)}; ${each})`;
}

function valueCell(line: Line): string {
  const finite = line.warrant.filter(Number.isFinite);
  if (finite.length === 0) return '—';
  const s = summarize(finite);
  return `${fixed(s.median)} ${line.unit}${finite.length > 1 ? ` (${fixed(s.min)}–${fixed(s.max)})` : ''}`;
}

function seriesMarkdown(series: Series, heading: string): string {
  const runList = series.runs.map(
    (r, i) =>
      `${i + 1}. ${r.generatedAt}, Node ${r.machine.node}, ${r.machine.cpus} cores, load average (1 min) ${r.machine.loadAverageBefore[0]} → ${r.machine.loadAverageAfter[0]}${r.rows.some((row) => row.ratios) ? '' : ' (made before per-repetition ratios were kept: its ratios are ratios of medians)'}`,
  );
  const table = [
    '| metric | warrant | warrant ÷ GAL, time | warrant ÷ floor, time | target | met |',
    '|---|---|---|---|---|---|',
    ...[...series.lines.values()].map(
      (l) =>
        `| ${l.metric} | ${valueCell(l)} | ${ratioCell(l.vs.gal)} | ${ratioCell(l.vs.floor)} | ${l.target} | ${l.judged ? `${l.met}/${l.judged}` : ''} |`,
    ),
  ];
  return [
    `## ${heading}: commit ${series.commit}, ${series.runs.length} invocation${series.runs.length === 1 ? '' : 's'}`,
    '',
    runList.join('\n'),
    '',
    `Per metric: the median **in bold** of the invocations' ratios, their range, then each invocation's ratio in the order listed above. An invocation's ratio is the median of its per-repetition ratios. Time ratios: below 1× warrant takes less time per operation.`,
    '',
    table.join('\n'),
    '',
  ].join('\n');
}

/** The commit a run measured: its `commit`, or the suffix of its file name, or `unknown`. */
function commitOf(run: RunFile, file: string): string {
  return run.commit ?? /^run-.*Z-([0-9a-f]{7,}(?:-dirty)?)\.json$/.exec(file)?.[1] ?? 'unknown';
}

export async function summarizeRuns(
  dir: string,
): Promise<{ runs: number; markdown: string; svg: string }> {
  const names = (await readdir(dir)).filter((n) => /^run-.*\.json$/.test(n));
  const runs = await Promise.all(
    names.map(async (file) => {
      const run = JSON.parse(await readFile(join(dir, file), 'utf8')) as RunFile;
      return { run, commit: commitOf(run, file) };
    }),
  );
  runs.sort((a, b) => a.run.generatedAt.localeCompare(b.run.generatedAt));
  const byCommit = new Map<string, RunFile[]>();
  for (const { run, commit } of runs) byCommit.set(commit, [...(byCommit.get(commit) ?? []), run]);
  // Latest first: the series whose newest run is newest.
  const series = [...byCommit]
    .map(([commit, list]) => seriesOf(commit, list))
    .sort((a, b) => b.runs.at(-1)!.generatedAt.localeCompare(a.runs.at(-1)!.generatedAt));
  const markdown = series
    .map((s, i) => seriesMarkdown(s, i === 0 ? 'Latest code' : 'Earlier code'))
    .join('\n');
  return {
    runs: runs.length,
    markdown,
    svg: series.length === 0 ? chart([], 'no runs') : chartOf(series[0]),
  };
}

interface Bar {
  label: string;
  sample: Sample;
  goal?: number;
}

/** One bar per ratio goal of a metric (vs GAL or the floor), else its ratio to GAL alone. */
function chartOf(series: Series): string {
  const bars: Bar[] = [];
  for (const line of series.lines.values()) {
    const of = (vs: 'gal' | 'floor') => {
      const finite = line.vs[vs].filter(Number.isFinite);
      return finite.length === 0 ? undefined : summarize(finite);
    };
    const label = (vs: 'gal' | 'floor') => `${line.metric} ÷ ${vs === 'gal' ? 'GAL' : 'floor'}`;
    if (line.goals.length > 0) {
      for (const goal of line.goals) {
        const sample = of(goal.vs);
        if (sample) bars.push({ label: label(goal.vs), sample, goal: goal.atMost });
      }
    } else {
      const sample = of('gal');
      if (sample) bars.push({ label: label('gal'), sample });
    }
  }
  return chart(
    bars,
    `commit ${series.commit}, median of ${series.runs.length} invocation${series.runs.length === 1 ? '' : 's'}`,
  );
}

/**
 * Horizontal bars on a log scale: warrant's time ÷ the other's, median with the range as a
 * whisker, and the goal as a blue tick. Green: the median meets the goal (or, with no goal, is
 * below 1×).
 */
function chart(bars: Bar[], caption: string): string {
  const width = 1060;
  const left = 550;
  const plot = width - left - 30;
  const rowHeight = 22;
  const top = 60;
  const height = top + bars.length * rowHeight + 40;
  const [lo, hi] = [0.01, 100];
  const x = (v: number) =>
    left +
    ((Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo)) /
      (Math.log10(hi) - Math.log10(lo))) *
      plot;
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">warrant's time ÷ google-auth-library's or the floor's (log scale; left of 1× warrant takes less time)</text>`,
    `<text x="10" y="38">${esc(caption)}; whisker = range over invocations; blue tick = goal; green = goal met</text>`,
  ];
  for (const tick of [0.01, 0.1, 0.5, 1, 2, 10, 100]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 10}" x2="${x(tick)}" y2="${height - 30}" stroke="${tick === 1 ? '#000' : '#ddd'}"/>`,
      `<text x="${x(tick)}" y="${height - 15}" text-anchor="middle">${tick}×</text>`,
    );
  }
  bars.forEach(({ label, sample, goal }, i) => {
    const y = top + i * rowHeight;
    const ok = sample.median <= (goal ?? 1);
    parts.push(
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(label.slice(0, 84))}</text>`,
      `<rect x="${Math.min(x(1), x(sample.median))}" y="${y + 4}" width="${Math.abs(x(sample.median) - x(1))}" height="12" fill="${ok ? '#2e7d32' : '#c62828'}"/>`,
      `<line x1="${x(sample.min)}" y1="${y + 10}" x2="${x(sample.max)}" y2="${y + 10}" stroke="#000"/>`,
      valueLabel(sample.median, x, left, y),
    );
    if (goal !== undefined) {
      parts.push(
        `<line x1="${x(goal)}" y1="${y + 1}" x2="${x(goal)}" y2="${y + 19}" stroke="#1565c0" stroke-width="3"/>`,
      );
    }
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The median's label beside its bar's end, or right of 1× when the bar reaches the labels. */
function valueLabel(median: number, x: (v: number) => number, left: number, y: number): string {
  const text = `${median.toFixed(2)}×`;
  const outside = median > 1 || x(median) - 40 < left;
  const at = median > 1 ? x(median) + 4 : outside ? x(1) + 4 : x(median) - 4;
  return `<text x="${at}" y="${y + 14}" text-anchor="${outside ? 'start' : 'end'}" font-size="10">${text}</text>`;
}

/** Rewrites summary.md and ratios.svg in `dir` from the runs kept there; returns how many. */
export async function writeSummary(dir: string): Promise<number> {
  const { runs, markdown, svg } = await summarizeRuns(dir);
  await writeFile(join(dir, 'summary.md'), markdown);
  await writeFile(join(dir, 'ratios.svg'), svg);
  return runs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  console.log(`summary.md and ratios.svg cover ${await writeSummary(dir)} runs`);
}
