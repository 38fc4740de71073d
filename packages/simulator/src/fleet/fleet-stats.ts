import { errorKind } from "./error-kind.ts";
import { type LatencyRecorder, type LatencySummary, latencyRecorder } from "./latency-recorder.ts";

/** A live look at a running fleet, for the progress line. */
export interface FleetProgress {
  readonly elapsedMs: number;
  /** The run's length, 0 when it runs until stopped. */
  readonly durationMs: number;
  readonly devices: number;
  /** Devices connected now. */
  readonly online: number;
  /** Events stored per second since the previous progress report. */
  readonly eventsPerSecond: number;
  readonly stored: number;
  /** Events given to the SDK and not yet acknowledged or failed. */
  readonly pending: number;
  readonly errors: number;
}

/** Counters of a fleet run, shared by the runner and whoever reports on it. */
export interface FleetStats {
  /** Events given to the SDK. */
  published: number;
  /** Events acknowledged by JetStream. */
  stored: number;
  telemetry: number;
  statusChanges: number;
  registrations: number;
  commandsReceived: number;
  commandsCompleted: number;
  commandsRejected: number;
  faults: number;
  outages: number;
  readonly errors: Map<string, number>;
  readonly publishLatency: LatencyRecorder;
  /** Counts an error under its kind (see errorKind) or under `kind` when given. */
  error(err: unknown, kind?: string): void;
  errorCount(): number;
  /** Stored events per second since the last call (the first call: since creation). */
  sampleRate(now?: number): number;
}

/** Fresh counters. */
export function fleetStats(): FleetStats {
  let lastAt = performance.now();
  let lastStored = 0;
  const stats: FleetStats = {
    published: 0,
    stored: 0,
    telemetry: 0,
    statusChanges: 0,
    registrations: 0,
    commandsReceived: 0,
    commandsCompleted: 0,
    commandsRejected: 0,
    faults: 0,
    outages: 0,
    errors: new Map(),
    publishLatency: latencyRecorder(),
    error(err, kind) {
      const k = kind ?? errorKind(err);
      stats.errors.set(k, (stats.errors.get(k) ?? 0) + 1);
    },
    errorCount() {
      let n = 0;
      for (const c of stats.errors.values()) n += c;
      return n;
    },
    sampleRate(now = performance.now()) {
      const rate = ((stats.stored - lastStored) * 1000) / Math.max(now - lastAt, 1);
      lastAt = now;
      lastStored = stats.stored;
      return rate;
    },
  };
  return stats;
}

/** What a fleet run did, as the summary prints and `--json` writes it. */
export interface FleetSummary {
  readonly devices: number;
  readonly connections: { readonly mode: "dedicated" | "pooled"; readonly count: number };
  readonly seed: number;
  /** The measured window: from all devices connected to the stop. */
  readonly durationMs: number;
  /** Time to connect and register every device. */
  readonly startupMs: number;
  readonly events: {
    readonly published: number;
    readonly stored: number;
    readonly telemetry: number;
    readonly statusChanges: number;
    readonly registrations: number;
  };
  /** Events stored per second over the measured window. */
  readonly eventsPerSecond: number;
  readonly commands: {
    readonly received: number;
    readonly completed: number;
    readonly rejected: number;
  };
  readonly mishaps: { readonly faults: number; readonly outages: number };
  /** Publish → JetStream ack, every event. */
  readonly publishLatencyMs: LatencySummary;
  readonly errors: Readonly<Record<string, number>>;
}
