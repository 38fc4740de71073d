import { type ConnectorOptions, deviceConnector } from "../fleet/device-connector.ts";
import { type FleetProgress, type FleetSummary, fleetStats } from "../fleet/fleet-stats.ts";
import type { LatencySummary } from "../fleet/latency-recorder.ts";
import { runFleet } from "../fleet/run-fleet.ts";
import type { MishapRates } from "../models/device-twin.ts";
import { defaultFleetTypes, loadFleet } from "../plans/fleet-plans.ts";
import { type ApiTarget, apiGet } from "./api-client.ts";
import { type E2eSummary, e2eProber } from "./e2e-prober.ts";
import { type ProjectionLag, projectionLagSampler } from "./projection-lag-sampler.ts";

export interface LoadTestOptions {
  readonly connect: ConnectorOptions;
  readonly devices: number;
  /** Events per second across the fleet. */
  readonly rate: number;
  readonly durationMs: number;
  readonly types?: readonly string[];
  /** Device ids are `<prefix>-00001`…; default `load`. */
  readonly prefix?: string;
  readonly seed?: number;
  /** Shared NATS connections; default one per 250 devices (2–8). */
  readonly connections?: number;
  readonly mishaps?: MishapRates;
  /** The hub's HTTP API, for end-to-end latency and projection lag; without it both are skipped. */
  readonly api?: ApiTarget;
  /** One end-to-end probe per this many ms. Default 100. */
  readonly sampleEveryMs?: number;
  /** Projection status poll period. Default 1 000. */
  readonly lagEveryMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: FleetProgress) => void;
}

/** What a load test measured, as printed and as `--json` writes it. */
export interface LoadTestReport {
  readonly target: {
    readonly devices: number;
    readonly eventsPerSecond: number;
    readonly durationS: number;
  };
  readonly fleet: FleetSummary;
  /** Achieved events/s ÷ target. */
  readonly achievedRatio: number;
  /** Publish → JetStream ack. */
  readonly publishLatencyMs: LatencySummary;
  /** Publish → visible through the HTTP API, sampled; null when no API was given or reachable. */
  readonly endToEndLatencyMs: E2eSummary | null;
  readonly projections: readonly ProjectionLag[];
  readonly errors: Readonly<Record<string, number>>;
  readonly notes: readonly string[];
}

/**
 * Drives `devices` simulated devices at `rate` events/s in total for `durationMs`, measuring
 * publish latency on every event and, with `api`, end-to-end latency on sampled events and
 * every projection's lag.
 *
 * @example
 * const report = await runLoadTest({
 *   connect: { servers: "nats://127.0.0.1:4222", namespace: "uaip" },
 *   devices: 1_000, rate: 10_000, durationMs: 60_000, api: { url: "http://127.0.0.1:8443" },
 * });
 * report.fleet.eventsPerSecond; report.endToEndLatencyMs?.p99;
 */
export async function runLoadTest(o: LoadTestOptions): Promise<LoadTestReport> {
  const stats = fleetStats();
  const notes: string[] = [];
  const onError = (kind: string) => stats.error(undefined, kind);
  const api = o.api ? await reachable(o.api, notes) : undefined;
  if (!o.api) notes.push("no --api: end-to-end latency and projection lag not measured");

  const prober = api ? e2eProber({ api, everyMs: o.sampleEveryMs ?? 100, onError }) : undefined;
  const lag = api ? projectionLagSampler(api, o.lagEveryMs ?? 1_000, onError) : undefined;
  if (!lag) notes.push("projection lag not measured");
  try {
    const fleet = await runFleet({
      devices: loadFleet(o.types ?? defaultFleetTypes, o.devices, o.prefix ?? "load", o.rate),
      connector: deviceConnector(o.connect, {
        devices: o.devices,
        ...(o.connections !== undefined ? { connections: o.connections } : {}),
      }),
      seed: o.seed ?? 1,
      durationMs: o.durationMs,
      stats,
      ...(o.mishaps ? { mishaps: o.mishaps } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(prober ? { onStored: prober.offer } : {}),
    });
    await prober?.stop();
    lag?.stop();
    await lag?.sample();
    return {
      target: { devices: o.devices, eventsPerSecond: o.rate, durationS: o.durationMs / 1000 },
      fleet,
      achievedRatio: fleet.eventsPerSecond / o.rate,
      publishLatencyMs: fleet.publishLatencyMs,
      endToEndLatencyMs: prober ? prober.summary() : null,
      projections: lag?.results() ?? [],
      errors: Object.fromEntries([...stats.errors].sort(([a], [b]) => a.localeCompare(b))),
      notes,
    };
  } finally {
    lag?.stop();
  }
}

async function reachable(api: ApiTarget, notes: string[]): Promise<ApiTarget | undefined> {
  try {
    const r = await apiGet(api, "/api/v1/projections", {}, 5_000);
    if (r.status === 200) return api;
    notes.push(
      r.status === 401 || r.status === 403
        ? `the API at ${api.url} needs a key with the read scope (--api-key or UAIP_API_KEY): end-to-end latency and lag not measured`
        : `the API at ${api.url} answered ${r.status}: end-to-end latency and lag not measured`,
    );
  } catch (err) {
    notes.push(
      `the API at ${api.url} is not reachable (${(err as Error).message}): end-to-end latency and lag not measured`,
    );
  }
  return undefined;
}
