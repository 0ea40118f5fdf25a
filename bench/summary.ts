/**
 * Every bench invocation kept in bench/results/run-*.json, summarised: per metric, warrant's
 * time ratio to google-auth-library and to the floor in each run, their median and range over
 * the runs, and how many runs met the target. Writes bench/results/summary.md (the tables
 * BENCHMARKS.md quotes) and bench/results/ratios.svg (the chart). No run is left out.
 * `node dist/bench/summary.js` rewrites both from the runs kept.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './report.js';
import { summarize, type Sample } from './stats.js';

export interface RunFile {
  generatedAt: string;
  machine: { node: string; cpus: number; loadAverageBefore: number[]; loadAverageAfter: number[] };
  rows: Row[];
}

/** A time ratio: below 1, warrant takes less time (or does more per second) than the other. */
function timeRatio(row: Row, other: 'gal' | 'floor'): number | undefined {
  const w = row.warrant.sample?.median;
  const o = row[other]?.sample?.median;
  if (w === undefined || o === undefined || w <= 0 || o <= 0) return undefined;
  return row.better === 'lower' ? w / o : o / w;
}

interface Line {
  id: string;
  metric: string;
  target: string;
  unit: string;
  warrant: number[];
  vsGal: number[];
  vsFloor: number[];
  met: number;
  judged: number;
}

export async function summarizeRuns(
  dir: string,
): Promise<{ runs: number; markdown: string; svg: string }> {
  const names = (await readdir(dir)).filter((n) => /^run-.*\.json$/.test(n)).sort();
  const runs = await Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as RunFile),
  );
  const lines = new Map<string, Line>();
  for (const run of runs) {
    for (const row of run.rows) {
      const line = lines.get(row.id) ?? {
        id: row.id,
        metric: row.metric.replace(/\(\d+ ms\)/, '').replace(/\s+,/, ','),
        target: row.target?.text ?? '',
        unit: row.unit,
        warrant: [],
        vsGal: [],
        vsFloor: [],
        met: 0,
        judged: 0,
      };
      if (row.warrant.sample) line.warrant.push(row.warrant.sample.median);
      const g = timeRatio(row, 'gal');
      const f = timeRatio(row, 'floor');
      if (g !== undefined) line.vsGal.push(g);
      if (f !== undefined) line.vsFloor.push(f);
      if (row.target?.met !== undefined) {
        line.judged++;
        if (row.target.met) line.met++;
      }
      lines.set(row.id, line);
    }
  }
  const cell = (values: number[]) => {
    if (values.length === 0) return '—';
    const s = summarize(values);
    return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
  };
  const value = (l: Line) => {
    if (l.warrant.length === 0) return '—';
    const s = summarize(l.warrant);
    const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
    return `${f(s.median)} ${l.unit} (${f(s.min)}–${f(s.max)})`;
  };
  const table = [
    '| metric | warrant | warrant ÷ GAL, time | warrant ÷ floor, time | target | met |',
    '|---|---|---|---|---|---|',
    ...[...lines.values()].map(
      (l) =>
        `| ${l.metric} | ${value(l)} | ${cell(l.vsGal)} | ${cell(l.vsFloor)} | ${l.target} | ${l.judged ? `${l.met}/${l.judged}` : ''} |`,
    ),
  ];
  const runList = runs.map(
    (r, i) =>
      `- run ${i + 1}: ${r.generatedAt}, Node ${r.machine.node}, ${r.machine.cpus} cores, load ${r.machine.loadAverageBefore[0]} → ${r.machine.loadAverageAfter[0]}`,
  );
  const markdown = `${runList.join('\n')}\n\nMedian over ${runs.length} runs (range in brackets). Time ratios: below 1× warrant takes less time per operation.\n\n${table.join('\n')}\n`;
  const chartLines = [...lines.values()].filter((l) => l.vsGal.length > 0);
  return {
    runs: runs.length,
    markdown,
    svg: chart(
      chartLines.map((l) => ({ label: l.metric, sample: summarize(l.vsGal) })),
      runs.length,
    ),
  };
}

/** Horizontal bars on a log scale: warrant's time ÷ GAL's, median with the range as a whisker. */
function chart(bars: { label: string; sample: Sample }[], runs: number): string {
  const width = 980;
  const left = 470;
  const plot = width - left - 30;
  const rowHeight = 22;
  const top = 50;
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
    `<text x="10" y="20" font-size="14" font-weight="bold">warrant's time ÷ google-auth-library's (log scale; left of 1× warrant is faster). Median of ${runs} runs, whisker = range.</text>`,
  ];
  for (const tick of [0.01, 0.1, 0.5, 1, 2, 10, 100]) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 10}" x2="${x(tick)}" y2="${height - 30}" stroke="${tick === 1 ? '#000' : '#ddd'}"/>`,
      `<text x="${x(tick)}" y="${height - 15}" text-anchor="middle">${tick}×</text>`,
    );
  }
  bars.forEach(({ label, sample }, i) => {
    const y = top + i * rowHeight;
    const color = sample.median <= 1 ? '#2e7d32' : '#c62828';
    parts.push(
      `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(label.slice(0, 72))}</text>`,
      `<rect x="${Math.min(x(1), x(sample.median))}" y="${y + 4}" width="${Math.abs(x(sample.median) - x(1))}" height="12" fill="${color}"/>`,
      `<line x1="${x(sample.min)}" y1="${y + 10}" x2="${x(sample.max)}" y2="${y + 10}" stroke="#000"/>`,
      `<text x="${x(sample.median) + (sample.median <= 1 ? -4 : 4)}" y="${y + 14}" text-anchor="${sample.median <= 1 ? 'end' : 'start'}" font-size="10">${sample.median.toFixed(2)}×</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
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
