/** Counts per key in bounded memory; the top keys' counts are exact unless the key space is huge. */
export interface BoundedCounter<T> {
  add(key: string, n?: number, sample?: T): void;
  /** The `n` keys with the highest counts, highest first (ties by key). */
  top(n: number): { key: string; count: number; sample: T | undefined }[];
  /** Every count added, kept or pruned. */
  readonly total: number;
  /** Keys were pruned: counts of the kept keys may be low by what a pruned key had. */
  readonly approximate: boolean;
}

/**
 * Keeps at most `2 × capacity` keys; past that, the lower half is pruned (a lossy count:
 * a key that is frequent overall stays, one seen a few times may be dropped). `sample`
 * keeps the first value given with a key (an example message, say).
 *
 * @example
 * const c = boundedCounter<string>(1_000);
 * c.add("GET /devices/:id"); c.top(10); // [{ key: "GET /devices/:id", count: 1, sample: undefined }]
 */
export function boundedCounter<T = undefined>(capacity: number): BoundedCounter<T> {
  const counts = new Map<string, { count: number; sample: T | undefined }>();
  let total = 0;
  let approximate = false;
  const prune = () => {
    const kept = [...counts.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, capacity);
    counts.clear();
    for (const [k, e] of kept) counts.set(k, e);
    approximate = true;
  };
  return {
    add(key, n = 1, sample) {
      total += n;
      const e = counts.get(key);
      if (e) e.count += n;
      else {
        counts.set(key, { count: n, sample });
        if (counts.size > capacity * 2) prune();
      }
    },
    top(n) {
      return [...counts.entries()]
        .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
        .slice(0, n)
        .map(([key, e]) => ({ key, count: e.count, sample: e.sample }));
    },
    get total() {
      return total;
    },
    get approximate() {
      return approximate;
    },
  };
}
