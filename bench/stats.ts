/** Medians, spreads and timed batches: the only arithmetic the bench does. */

/** Several measurements of one thing, summarised. */
export interface Sample {
  median: number;
  min: number;
  max: number;
  n: number;
  /**
   * The measurements in repetition order (NaN where a repetition failed), so that two
   * contenders' samples of one invocation can be compared repetition by repetition.
   */
  values?: number[];
}

/** Median and range of the finite values; keeps them all, in order, as `values`. */
export function summarize(values: readonly number[]): Sample {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('bench: no measurements to summarize');
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    median,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    n: sorted.length,
    values: [...values],
  };
}

/**
 * `sample` less a baseline measured in the same repetitions: repetition k less baseline k, so
 * a slow moment of the machine cancels out rather than landing on one side.
 */
export function lessBaseline(sample: Sample, baseline: Sample): Sample {
  const a = sample.values;
  const b = baseline.values;
  if (!a || !b || a.length !== b.length) {
    throw new Error('bench: a baseline must come from the same repetitions');
  }
  return summarize(a.map((value, k) => value - b[k]));
}

/**
 * Per-repetition ratios `top_k ÷ bottom_k` of two samples of one invocation, summarised; falls
 * back to the ratio of the medians (n = 1) when either sample has no per-repetition values.
 */
export function ratioSample(top: Sample, bottom: Sample): Sample | undefined {
  const a = top.values;
  const b = bottom.values;
  if (a && b && a.length === b.length) {
    const ratios = a.map((value, k) => value / b[k]).filter((r) => Number.isFinite(r) && r > 0);
    if (ratios.length > 0) return summarize(ratios);
  }
  const r = top.median / bottom.median;
  return Number.isFinite(r) && r > 0 ? { median: r, min: r, max: r, n: 1 } : undefined;
}

/** Milliseconds since an arbitrary origin, with sub-microsecond resolution. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long and how often to run an operation for an ops/s figure. */
export interface BatchPlan {
  /** Calls before timing starts, so JIT and caches are warm. */
  warmupOps: number;
  /** Each timed batch runs until this many milliseconds have passed (or `maxOps`). */
  batchMs: number;
  /** Upper bound of calls in one batch. */
  maxOps: number;
  /** Timed batches per contender; the median is reported. */
  repetitions: number;
  /** Calls between clock reads inside a batch; keeps the clock out of fast loops. */
  chunk: number;
}

export type Operation = () => Promise<unknown>;

/**
 * Ops/s of each operation, run one after another (`await` each call, as callers do). Contenders
 * are interleaved batch by batch, in a rotating order, so a noisy moment of the machine hits all
 * of them rather than one.
 */
export async function opsPerSecond(
  operations: Readonly<Record<string, Operation>>,
  plan: BatchPlan,
): Promise<Record<string, Sample>> {
  const names = Object.keys(operations);
  for (const name of names) {
    for (let i = 0; i < plan.warmupOps; i++) await operations[name]();
  }
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let rep = 0; rep < plan.repetitions; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(rep + k) % names.length];
      rates[name].push(await timedBatch(operations[name], plan));
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(rates[name])]));
}

async function timedBatch(operation: Operation, plan: BatchPlan): Promise<number> {
  let ops = 0;
  const start = nowMs();
  let elapsed = 0;
  while (elapsed < plan.batchMs && ops < plan.maxOps) {
    for (let i = 0; i < plan.chunk; i++) await operation();
    ops += plan.chunk;
    elapsed = nowMs() - start;
  }
  return (ops * 1000) / elapsed;
}

/** Runs `run` `repetitions` times for each contender, interleaved, and summarises the numbers. */
export async function repeatInterleaved<T extends string>(
  contenders: readonly T[],
  repetitions: number,
  run: (contender: T, repetition: number) => Promise<number>,
): Promise<Record<T, Sample>> {
  const values = Object.fromEntries(contenders.map((c) => [c, [] as number[]])) as Record<
    T,
    number[]
  >;
  for (let rep = 0; rep < repetitions; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(rep + k) % contenders.length];
      values[contender].push(await run(contender, rep));
    }
  }
  return Object.fromEntries(contenders.map((c) => [c, summarize(values[c])])) as Record<T, Sample>;
}
