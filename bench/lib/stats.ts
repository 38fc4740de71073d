import { type LatencyRecorder, latencyRecorder } from "@uaip/simulator";

/** Summary of a set of timings, in milliseconds. */
export interface Summary {
  readonly n: number;
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * The p-th percentile (0–100) by nearest rank, through the simulator's latencyRecorder (the
 * one percentile implementation: HdrHistogram, exact to 1 µs up to 262 ms).
 *
 * @example
 * percentile([5, 1, 3, 2, 4], 50); // 3
 */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  return recorded(xs).percentile(p);
}

function recorded(xs: readonly number[]): LatencyRecorder {
  const r = latencyRecorder();
  for (const x of xs) r.record(x);
  return r;
}

/** Events per second for `count` events in `ms` milliseconds. */
export function rate(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : Number.POSITIVE_INFINITY;
}

export function summarize(samplesMs: readonly number[]): Summary {
  if (samplesMs.length === 0) {
    const none = Number.NaN;
    return { n: 0, mean: none, p50: none, p99: none, min: Infinity, max: -Infinity };
  }
  const r = recorded(samplesMs);
  return {
    n: samplesMs.length,
    mean: mean(samplesMs),
    p50: r.percentile(50),
    p99: r.percentile(99),
    min: r.min,
    max: r.max,
  };
}

/** Milliseconds `fn` takes, measured with the monotonic high-resolution clock. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Rounds to `digits` significant digits, for tables (3 → 12.3, 0.0123, 12300). */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
