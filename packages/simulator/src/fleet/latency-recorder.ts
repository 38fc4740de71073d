/** Percentiles of a set of latencies, in milliseconds (nearest rank: values really measured). */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Collects latencies; past `capacity` it keeps a uniform random sample (reservoir). */
export interface LatencyRecorder {
  record(ms: number): void;
  readonly count: number;
  summary(): LatencySummary;
}

/**
 * @example
 * const publish = latencyRecorder();
 * publish.record(1.7);
 * publish.summary(); // { count: 1, p50: 1.7, p95: 1.7, p99: 1.7, max: 1.7, mean: 1.7 }
 */
export function latencyRecorder(capacity = 1_000_000): LatencyRecorder {
  let samples = new Float64Array(Math.min(capacity, 4_096));
  let kept = 0;
  let seen = 0;
  let sum = 0;
  let max = 0;
  // A fixed-seed LCG: the reservoir is reproducible and needs no Math.random.
  let lcg = 12345;
  const rand = () => {
    lcg = (Math.imul(lcg, 1103515245) + 12345) >>> 0;
    return lcg / 4294967296;
  };
  return {
    record(ms) {
      seen++;
      sum += ms;
      if (ms > max) max = ms;
      if (kept < capacity) {
        if (kept === samples.length) {
          const grown = new Float64Array(Math.min(capacity, samples.length * 2));
          grown.set(samples);
          samples = grown;
        }
        samples[kept++] = ms;
        return;
      }
      const j = Math.floor(rand() * seen);
      if (j < capacity) samples[j] = ms;
    },
    get count() {
      return seen;
    },
    summary() {
      if (seen === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
      const sorted = samples.slice(0, kept).sort();
      const at = (p: number) =>
        sorted[Math.min(kept, Math.max(1, Math.ceil((p / 100) * kept))) - 1]!;
      return { count: seen, mean: sum / seen, p50: at(50), p95: at(95), p99: at(99), max };
    },
  };
}
