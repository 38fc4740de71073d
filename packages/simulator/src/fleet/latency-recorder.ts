import { build, type Histogram } from "hdr-histogram-js";

/** Percentiles of a set of latencies, in milliseconds (nearest rank). */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Collects latencies in an HdrHistogram: memory stays flat however many are recorded, and
 * count, mean, min and max are exact. The one percentile implementation of the repository
 * (the benchmarks' `percentile` and `summarize` use it too).
 */
export interface LatencyRecorder {
  record(ms: number): void;
  readonly count: number;
  /** Smallest and largest recorded (0 when empty). */
  readonly min: number;
  readonly max: number;
  /** The p-th percentile (0–100) by nearest rank (0 when empty). */
  percentile(p: number): number;
  summary(): LatencySummary;
}

/** Values are kept in microseconds: exact to 1 µs up to 262 ms, then to 5 significant digits. */
const UNITS_PER_MS = 1_000;
const SIGNIFICANT_DIGITS = 5;

/**
 * @example
 * const publish = latencyRecorder();
 * publish.record(1.7);
 * publish.summary(); // { count: 1, p50: 1.7, p95: 1.7, p99: 1.7, max: 1.7, mean: 1.7 }
 */
export function latencyRecorder(): LatencyRecorder {
  let histogram: Histogram | undefined;
  let seen = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const percentile = (p: number): number => {
    if (!histogram || seen === 0) return 0;
    const value = histogram.getValueAtPercentile(p) / UNITS_PER_MS;
    // The histogram answers with its bucket's top; never past what was really measured.
    return Math.min(Math.max(value, min), max);
  };
  return {
    record(ms) {
      // A clock step can make a latency negative: it counts as 0 in the histogram.
      if (!Number.isFinite(ms)) return;
      histogram ??= build({ numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
      histogram.recordValue(Math.max(0, Math.round(ms * UNITS_PER_MS)));
      seen++;
      sum += ms;
      if (ms < min) min = ms;
      if (ms > max) max = ms;
    },
    get count() {
      return seen;
    },
    get min() {
      return seen === 0 ? 0 : min;
    },
    get max() {
      return seen === 0 ? 0 : max;
    },
    percentile,
    summary() {
      if (seen === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
      return {
        count: seen,
        mean: sum / seen,
        p50: percentile(50),
        p95: percentile(95),
        p99: percentile(99),
        max,
      };
    },
  };
}
