/** The rows the metrics produce, their targets, and the table and JSON they become. */
import { ratioSample, type Sample } from './stats.js';

/** One library's (or the floor's) number for a metric, or why there is none. */
export interface Measured {
  sample?: Sample;
  /** Why there is no number, e.g. the path throws on this Node version. */
  na?: string;
  /** What happened besides the number, e.g. the outcome of an ADC search. */
  note?: string;
}

export interface Target {
  /** Human form, e.g. `≤ 0.5× gal`. */
  text: string;
  /** Undefined when warrant (or what it is compared with) has no number. */
  met?: boolean;
  /** Bounds on warrant's time ratios, for targets that are ratios (the chart draws them). */
  goals?: Goal[];
}

/** warrant's time ÷ `vs`'s time, median of the per-repetition ratios, at most `atMost`. */
export interface Goal {
  vs: 'gal' | 'floor';
  atMost: number;
}

/** Time ratios: below 1, warrant takes less time per operation than the other. */
export interface Ratios {
  gal?: Sample;
  floor?: Sample;
}

export interface Row {
  /** Stable key in the JSON, e.g. `mint.sa.0ms`. */
  id: string;
  metric: string;
  unit: string;
  better: 'lower' | 'higher';
  warrant: Measured;
  gal: Measured;
  floor?: Measured;
  target?: Target;
}

export function measured(sample: Sample, note?: string): Measured {
  return note === undefined ? { sample } : { sample, note };
}

export function notAvailable(reason: string): Measured {
  return { na: reason };
}

/** Runs a check; resolves undefined when it passes, or the reason it failed. */
export async function failureOf(check: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    return describeError(error);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message.split('\n')[0].slice(0, 160);
    return typeof code === 'string' ? `${code}: ${message}` : message;
  }
  return String(error).slice(0, 160);
}

/**
 * warrant's time ÷ the other's within one invocation: per repetition k, warrant_k ÷ other_k
 * (for rates, other_k ÷ warrant_k), and their median and range. Repetition k of every
 * contender ran back to back, so a slow moment of the machine lands on both sides of a ratio.
 */
export function timeRatio(
  better: Row['better'],
  w: Measured,
  other: Measured | undefined,
): Sample | undefined {
  if (!w.sample || !other?.sample) return undefined;
  return better === 'lower'
    ? ratioSample(w.sample, other.sample)
    : ratioSample(other.sample, w.sample);
}

/** Both time ratios of a row. */
export function ratiosOf(row: Row): Ratios {
  return {
    gal: timeRatio(row.better, row.warrant, row.gal),
    floor: timeRatio(row.better, row.warrant, row.floor),
  };
}

// Targets. Ratio targets are judged on the median of the per-repetition time ratios.

function ratioTarget(text: string, goal: Goal, ratio: Sample | undefined): Target {
  return ratio === undefined
    ? { text, goals: [goal] }
    : { text, goals: [goal], met: ratio.median <= goal.atMost };
}

/** For lower-is-better metrics: warrant's time at most `factor` times gal's. */
export function atMostTimesGal(factor: number, w: Measured, g: Measured): Target {
  return ratioTarget(`≤ ${factor}× gal`, { vs: 'gal', atMost: factor }, timeRatio('lower', w, g));
}

/** For lower-is-better metrics: warrant's time at most `factor` times the floor's. */
export function atMostTimesFloor(
  factor: number,
  w: Measured,
  floor: Measured,
  text?: string,
): Target {
  return ratioTarget(
    text ?? `≤ ${factor}× floor`,
    { vs: 'floor', atMost: factor },
    timeRatio('lower', w, floor),
  );
}

/** For ops/s: warrant's time per operation at most `factor` times the floor's. */
export function withinFloor(factor: number, w: Measured, floor: Measured): Target {
  return ratioTarget(
    `≤ ${factor}× floor's time`,
    { vs: 'floor', atMost: factor },
    timeRatio('higher', w, floor),
  );
}

/** For ops/s: warrant at least `factor` times gal's rate (its time ≤ 1/factor of gal's). */
export function atLeastTimesGal(factor: number, w: Measured, g: Measured): Target {
  return ratioTarget(
    `≥ ${factor}× gal's rate`,
    { vs: 'gal', atMost: 1 / factor },
    timeRatio('higher', w, g),
  );
}

/** Both targets, met when both are. */
export function both(a: Target, b: Target): Target {
  const met = a.met === undefined || b.met === undefined ? undefined : a.met && b.met;
  return { text: `${a.text}; ${b.text}`, met, goals: [...(a.goals ?? []), ...(b.goals ?? [])] };
}

/** Every repetition equal to `value` (token-endpoint hits). */
export function exactlyEveryTime(value: number, w: Measured): Target {
  const text = `= ${value} every run`;
  if (!w.sample) return { text };
  return { text, met: w.sample.min === value && w.sample.max === value };
}

/** Median strictly below `bound`. */
export function below(bound: number, unit: string, w: Measured): Target {
  const text = `< ${bound} ${unit}`;
  if (!w.sample) return { text };
  return { text, met: w.sample.median < bound };
}

/** Median at most `bound`, described by `text`. */
export function atMost(bound: number | undefined, text: string, w: Measured): Target {
  if (!w.sample || bound === undefined) return { text };
  return { text, met: w.sample.median <= bound };
}

// Output.

function formatValue(value: number, unit: string): string {
  if (unit === 'ops/s') {
    if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
    if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
    return value >= 100 ? value.toFixed(0) : value.toFixed(1);
  }
  if (unit === 'hits') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

function cell(m: Measured | undefined, unit: string): string {
  if (!m) return '—';
  if (!m.sample) return `n/a${m.na ? ` (${m.na.slice(0, 40)})` : ''}`;
  return formatValue(m.sample.median, unit);
}

function metCell(target: Target | undefined): string {
  if (!target) return '';
  if (target.met === undefined) return 'n/a';
  return target.met ? 'met' : 'MISSED';
}

const HEADER = [
  'metric',
  'unit',
  'warrant',
  'google-auth-library',
  'floor',
  'time ÷ gal (range)',
  'time ÷ floor (range)',
  'target',
  '',
];

/** A time ratio's median and its range over the repetitions. */
export function ratioCell(ratio: Sample | undefined): string {
  if (!ratio) return '—';
  const range = ratio.n > 1 ? ` (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})` : '';
  return `${ratio.median.toFixed(2)}×${range}`;
}

/** The rows as cells for the printed table. */
export function tableCells(rows: readonly Row[]): string[][] {
  return rows.map((row) => {
    const ratios = ratiosOf(row);
    return [
      row.metric,
      `${row.unit} ${row.better === 'lower' ? '↓' : '↑'}`,
      cell(row.warrant, row.unit),
      cell(row.gal, row.unit),
      cell(row.floor, row.unit),
      ratioCell(ratios.gal),
      ratioCell(ratios.floor),
      row.target?.text ?? '',
      metCell(row.target),
    ];
  });
}

/** A fixed-width text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const body = tableCells(rows);
  const all = [HEADER, ...body];
  const widths = HEADER.map((_, i) => Math.max(...all.map((r) => [...r[i]].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The notes (outcomes, n/a reasons) worth printing under the table. */
export function notes(rows: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    for (const [who, m] of [
      ['warrant', row.warrant],
      ['gal', row.gal],
      ['floor', row.floor],
    ] as const) {
      if (m?.na) lines.push(`${row.metric} — ${who}: n/a: ${m.na}`);
      else if (m?.note) lines.push(`${row.metric} — ${who}: ${m.note}`);
    }
  }
  return lines;
}
