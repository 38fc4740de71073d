import { type LatencySummary, latencyRecorder } from "../fleet/latency-recorder.ts";
import type { StoredEvent } from "../fleet/simulated-device.ts";
import { type ApiTarget, apiGet } from "./api-client.ts";

export interface E2eProberOptions {
  readonly api: ApiTarget;
  /** One probe per this many ms at most. */
  readonly everyMs: number;
  /** A probe not visible by then counts as `e2e-timeout`. Default 30 000. */
  readonly timeoutMs?: number;
  /** Probes of one kind waiting at once, at most. Default 16. */
  readonly maxInFlight?: number;
  /** Counts an error of this kind. */
  readonly onError: (kind: string) => void;
}

/** End-to-end latency: sampled events, from publish until the API shows them. */
export interface E2eProber {
  /** Offered every acknowledged event; takes one when a probe is due. */
  offer(e: StoredEvent): void;
  /** Waits (up to `graceMs`) for the probes still running. */
  stop(graceMs?: number): Promise<void>;
  summary(): E2eSummary;
}

/** All probes, and the probes of each kind of event. */
export type E2eSummary = LatencySummary & {
  readonly timeouts: number;
  /** Telemetry events: visible once the telemetry projection applied them. */
  readonly telemetry: LatencySummary;
  /** Status changes: visible once the devices projection applied them. */
  readonly status: LatencySummary;
};

/**
 * Samples acknowledged events and times each until it is visible through the HTTP API:
 * a telemetry event once `GET /devices/{id}/telemetry` answers with `X-Min-Sequence` at its
 * sequence (the API holds the read until the telemetry projection has applied it), a status
 * event once `GET /devices/{id}` shows a `version` at or past its sequence. A 503 (the
 * projection still behind after the API's wait) is asked again until `timeoutMs`.
 *
 * @example
 * const prober = e2eProber({ api: { url }, everyMs: 100, onError: (k) => stats.error(null, k) });
 * await runFleet({ …, onStored: prober.offer });
 */
export function e2eProber(o: E2eProberOptions): E2eProber {
  const latency = latencyRecorder();
  const byKind = { telemetry: latencyRecorder(), status: latencyRecorder() };
  const running = new Set<Promise<void>>();
  // Per kind, so slow telemetry probes never crowd out the rarer status ones.
  const inFlight = { telemetry: 0, status: 0 };
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maxInFlight = o.maxInFlight ?? 16;
  // Each kind is sampled on its own clock: status changes are rare next to telemetry.
  const lastTaken = { telemetry: 0, status: 0 };
  let timeouts = 0;
  let stopped = false;

  const probe = async (e: StoredEvent) => {
    const deadline = e.sentAt + timeoutMs;
    const id = encodeURIComponent(e.deviceId);
    const headers = { "x-min-sequence": `${e.stream}:${e.seq}` };
    const path =
      e.kind === "telemetry"
        ? `/api/v1/devices/${id}/telemetry?from=${new Date(Date.now() - 120_000).toISOString()}`
        : `/api/v1/devices/${id}`;
    for (;;) {
      let status: number;
      let body: unknown;
      try {
        ({ status, body } = await apiGet(
          o.api,
          path,
          headers,
          Math.max(deadline - performance.now(), 1),
        ));
      } catch {
        if (performance.now() >= deadline) break;
        o.onError("e2e-fetch");
        return;
      }
      const visible =
        status === 200 &&
        (e.kind === "telemetry" || ((body as { version?: number })?.version ?? 0) >= e.seq);
      if (visible) {
        const ms = performance.now() - e.sentAt;
        latency.record(ms);
        byKind[e.kind as "telemetry" | "status"].record(ms);
        return;
      }
      if (status !== 200 && status !== 503 && status !== 404) {
        o.onError(status === 401 || status === 403 ? "e2e-auth" : `e2e-http-${status}`);
        return;
      }
      if (stopped) return; // cut short by the end of the run: neither a sample nor a timeout
      if (performance.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, status === 503 ? 0 : 20));
    }
    timeouts++;
    o.onError("e2e-timeout");
  };

  return {
    offer(e) {
      if (stopped || e.kind === "registration") return;
      const kind = e.kind;
      if (inFlight[kind] >= maxInFlight) return;
      const now = performance.now();
      if (now - lastTaken[kind] < o.everyMs) return;
      lastTaken[kind] = now;
      inFlight[kind]++;
      const p = probe(e).finally(() => {
        inFlight[kind]--;
        running.delete(p);
      });
      running.add(p);
    },
    async stop(graceMs = 10_000) {
      const waited = Promise.all([...running]);
      await Promise.race([waited, new Promise((r) => setTimeout(r, graceMs))]);
      stopped = true;
    },
    summary: () => ({
      ...latency.summary(),
      timeouts,
      telemetry: byKind.telemetry.summary(),
      status: byKind.status.summary(),
    }),
  };
}
