import { build, type Histogram } from "hdr-histogram-js";

/** Latency figures of one route, in milliseconds. */
export interface LatencyFigures {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Up to this many durations a route keeps them all (exact percentiles), then a histogram. */
const EXACT_UP_TO = 1_024;
/** Microseconds, 3 significant digits: about 30 KB a route, flat however many requests. */
const UNITS_PER_MS = 1_000;
const SIGNIFICANT_DIGITS = 3;

/**
 * One route's durations: exact nearest-rank percentiles for its first 1,024 requests, then
 * an HdrHistogram (within 0.1 %, never above the largest duration seen), so memory stays
 * bounded however long the log.
 *
 * @example
 * const l = routeLatency(); l.record(1.23); l.figures(); // { count: 1, p50: 1.23, … }
 */
export function routeLatency(): { record(ms: number): void; figures(): LatencyFigures } {
  let exact: number[] | undefined = [];
  let histogram: Histogram | undefined;
  let count = 0;
  let max = 0;
  const toHistogram = (values: readonly number[]) => {
    const h = build({ numberOfSignificantValueDigits: SIGNIFICANT_DIGITS });
    for (const ms of values) h.recordValue(Math.round(ms * UNITS_PER_MS));
    return h;
  };
  const at = (p: number): number => {
    if (count === 0) return 0;
    if (exact !== undefined) {
      const sorted = [...exact].sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    }
    const value = (histogram?.getValueAtPercentile(p) ?? 0) / UNITS_PER_MS;
    return Math.min(max, Math.round(value * 1000) / 1000);
  };
  return {
    record(ms) {
      if (!Number.isFinite(ms) || ms < 0) return;
      count++;
      if (ms > max) max = ms;
      if (exact !== undefined) {
        exact.push(ms);
        if (exact.length > EXACT_UP_TO) {
          histogram = toHistogram(exact);
          exact = undefined;
        }
      } else histogram?.recordValue(Math.round(ms * UNITS_PER_MS));
    },
    figures: () => ({ count, p50: at(50), p95: at(95), p99: at(99), max }),
  };
}
