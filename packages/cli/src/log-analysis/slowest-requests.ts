/** One request of the access log, as the slowest list shows it. */
export interface SlowRequest {
  readonly time?: string;
  readonly method?: string;
  readonly route?: string;
  readonly path?: string;
  readonly status?: number;
  readonly durationMs: number;
  readonly requestId?: string;
}

/**
 * The `n` slowest requests seen, slowest first, in memory for `n` only.
 *
 * @example
 * const s = slowestRequests(10); s.add(1200, () => ({ durationMs: 1200, route: "/api/v1/devices" })); s.list();
 */
export function slowestRequests(n: number): {
  /** `request` is called only when the request is slow enough to be kept (most are not). */
  add(durationMs: number, request: () => SlowRequest): void;
  list(): SlowRequest[];
} {
  // Sorted slowest first; a request slower than the last one kept goes in its place.
  const kept: SlowRequest[] = [];
  return {
    add(durationMs, request) {
      if (n === 0) return;
      if (kept.length === n && durationMs <= (kept[n - 1]?.durationMs ?? 0)) return;
      const r = request();
      let i = kept.length;
      while (i > 0 && (kept[i - 1]?.durationMs ?? 0) < r.durationMs) i--;
      kept.splice(i, 0, r);
      if (kept.length > n) kept.pop();
    },
    list: () => [...kept],
  };
}
