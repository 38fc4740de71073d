import type { MishapRates } from "../models/device-twin.ts";
import { createRng } from "../models/rng.ts";
import type { DeviceSpec } from "../plans/device-spec.ts";
import type { DeviceConnector } from "./device-connector.ts";
import {
  type FleetProgress,
  type FleetStats,
  type FleetSummary,
  fleetStats,
} from "./fleet-stats.ts";
import {
  closeSimulated,
  connectSimulated,
  type DeviceIo,
  type SimulatedDevice,
  type StoredEvent,
  simulatedDevice,
  stepSimulated,
} from "./simulated-device.ts";

export interface FleetRunOptions {
  readonly devices: readonly DeviceSpec[];
  readonly connector: DeviceConnector;
  /** Seed of every device's randomness (each device forks it by id). */
  readonly seed: number;
  /** How long to run once every device is up; 0: until `signal` aborts. */
  readonly durationMs: number;
  /** Report interval of every device, overriding each one's own. */
  readonly intervalMs?: number;
  readonly mishaps?: MishapRates;
  readonly signal?: AbortSignal;
  /** Scheduler resolution. Default 10 ms. */
  readonly tickMs?: number;
  /** Devices connecting (and registering) at once. Default 100. */
  readonly connectConcurrency?: number;
  /** Called every `progressEveryMs` (default 1 000) while running. */
  readonly onProgress?: (p: FleetProgress) => void;
  readonly progressEveryMs?: number;
  /** Called for every event JetStream acknowledged (cheap: it runs thousands of times a second). */
  readonly onStored?: (e: StoredEvent) => void;
  /** Called once every device is up, when the measured window starts. */
  readonly onStarted?: () => void;
  /** Counters to use (a load test reads them while running). */
  readonly stats?: FleetStats;
}

/**
 * Runs a fleet of simulated devices: connects and registers each (`connectConcurrency` at a
 * time), then steps every device at its interval — telemetry, faults, outages, answers to
 * commands — for `durationMs` or until `signal` aborts, then closes each device (reporting
 * offline and flushing) and returns what happened.
 *
 * One timer drives the whole fleet (no timer per device), and devices start at spread-out
 * phases so their reports do not come in bursts.
 *
 * @example
 * const summary = await runFleet({
 *   devices: scenarioDevices("home"),
 *   connector: deviceConnector({ servers: "nats://127.0.0.1:4222", namespace: "uaip" }, { devices: 6 }),
 *   seed: 1,
 *   durationMs: 60_000,
 * });
 */
export async function runFleet(o: FleetRunOptions): Promise<FleetSummary> {
  const stats = o.stats ?? fleetStats();
  const io: DeviceIo = {
    connector: o.connector,
    stats,
    ...(o.onStored ? { onStored: o.onStored } : {}),
  };
  const root = createRng(o.seed);
  const created = new Date();
  const devices = o.devices.map((spec) =>
    simulatedDevice(spec, root, created, o.mishaps, o.intervalMs),
  );

  const startup = performance.now();
  await inBatches(
    devices,
    o.connectConcurrency ?? 100,
    (d) => connectSimulated(d, io, true),
    o.signal,
  );
  const startupMs = performance.now() - startup;

  const begin = Date.now();
  const phases = root.fork("phases");
  for (const d of devices) {
    d.lastStep = begin;
    d.nextDue = begin + Math.floor(phases.next() * d.intervalMs);
  }
  const storedAtBegin = stats.stored;
  const startedAt = performance.now();
  o.onStarted?.();

  const tick = setInterval(() => {
    const now = Date.now();
    for (const d of devices) stepSimulated(d, io, now);
  }, o.tickMs ?? 10);
  const progress = o.onProgress
    ? setInterval(
        () => o.onProgress!(snapshot(devices, stats, startedAt, o.durationMs)),
        o.progressEveryMs ?? 1_000,
      )
    : undefined;
  stats.sampleRate();

  await until(o.durationMs, o.signal);
  clearInterval(tick);
  clearInterval(progress);
  const windowMs = performance.now() - startedAt;

  // Let what was published in the window be acknowledged before counting it.
  await Promise.all(devices.map((d) => d.client?.flush(5_000).catch((err) => stats.error(err))));
  const storedInWindow = stats.stored - storedAtBegin;
  const connections = o.connector.connections;
  await inBatches(devices, 200, (d) => closeSimulated(d, io));
  await o.connector.close();

  const mode = o.connector.mode;
  return {
    devices: devices.length,
    connections: {
      mode,
      count: connections,
    },
    seed: o.seed,
    durationMs: Math.round(windowMs),
    startupMs: Math.round(startupMs),
    events: {
      published: stats.published,
      stored: stats.stored,
      telemetry: stats.telemetry,
      statusChanges: stats.statusChanges,
      registrations: stats.registrations,
    },
    eventsPerSecond: (storedInWindow * 1000) / Math.max(windowMs, 1),
    commands: {
      received: stats.commandsReceived,
      completed: stats.commandsCompleted,
      rejected: stats.commandsRejected,
    },
    mishaps: { faults: stats.faults, outages: stats.outages },
    publishLatencyMs: stats.publishLatency.summary(),
    errors: Object.fromEntries([...stats.errors].sort(([a], [b]) => a.localeCompare(b))),
  };
}

function snapshot(
  devices: readonly SimulatedDevice[],
  stats: FleetStats,
  startedAt: number,
  durationMs: number,
): FleetProgress {
  let online = 0;
  let pending = 0;
  for (const d of devices) {
    if (d.state === "online") online++;
    if (d.client) pending += d.client.stats.pending;
  }
  return {
    elapsedMs: performance.now() - startedAt,
    durationMs,
    devices: devices.length,
    online,
    eventsPerSecond: stats.sampleRate(),
    stored: stats.stored,
    pending,
    errors: stats.errorCount(),
  };
}

/** Runs `fn` over `items`, `concurrency` at a time; stops starting new ones once `signal` aborts. */
async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function until(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = ms > 0 ? setTimeout(done, ms) : undefined;
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
