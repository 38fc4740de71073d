import { type ApiTarget, apiGet } from "./api-client.ts";

/** One projection's lag over a run, from `GET /api/v1/projections` sampled periodically. */
export interface ProjectionLag {
  readonly name: string;
  readonly samples: number;
  /** Age of the oldest event not yet applied, seconds. */
  readonly lagSecondsP50: number;
  readonly lagSecondsP99: number;
  readonly lagSecondsMax: number;
  /** Events in the stream after the checkpoint, most seen. */
  readonly pendingMax: number;
  /** Pending when the run ended. */
  readonly pendingLast: number;
}

export interface ProjectionLagSampler {
  /** Takes one sample now (also done every `everyMs` once started). */
  sample(): Promise<void>;
  stop(): void;
  results(): ProjectionLag[];
}

interface Item {
  readonly name: string;
  readonly lagSeconds: number;
  readonly pending: number;
}

/**
 * Polls the API's projection status every `everyMs` and keeps each projection's lag.
 *
 * @example
 * const lag = projectionLagSampler({ url }, 1_000, (kind) => stats.error(null, kind));
 * … lag.stop(); lag.results(); // [{ name: "devices", lagSecondsP99: 0.4, … }, …]
 */
export function projectionLagSampler(
  api: ApiTarget,
  everyMs: number,
  onError: (kind: string) => void,
): ProjectionLagSampler {
  const lags = new Map<string, { lag: number[]; pending: number[] }>();
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await apiGet(api, "/api/v1/projections", {}, Math.max(everyMs, 2_000));
      const items = (r.body as { items?: Item[] } | undefined)?.items;
      if (r.status !== 200 || !Array.isArray(items)) {
        onError(r.status === 401 || r.status === 403 ? "lag-auth" : `lag-http-${r.status}`);
        return;
      }
      for (const it of items) {
        const entry = lags.get(it.name) ?? { lag: [], pending: [] };
        entry.lag.push(Number(it.lagSeconds) || 0);
        entry.pending.push(Number(it.pending) || 0);
        lags.set(it.name, entry);
      }
    } catch {
      onError("lag-fetch");
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), everyMs);
  timer.unref();
  return {
    sample,
    stop: () => clearInterval(timer),
    results: () =>
      [...lags].map(([name, { lag, pending }]) => {
        const sorted = [...lag].sort((a, b) => a - b);
        const at = (p: number) =>
          sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1] ?? 0;
        return {
          name,
          samples: lag.length,
          lagSecondsP50: at(50),
          lagSecondsP99: at(99),
          lagSecondsMax: sorted.at(-1) ?? 0,
          pendingMax: Math.max(0, ...pending),
          pendingLast: pending.at(-1) ?? 0,
        };
      }),
  };
}
