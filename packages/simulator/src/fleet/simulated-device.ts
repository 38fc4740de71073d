import type { DeviceClient, StoredAck } from "@uaip/device-sdk";
import {
  advanceTwin,
  commandTwin,
  createTwin,
  type DeviceTwin,
  type MishapRates,
} from "../models/device-twin.ts";
import { modelFor } from "../models/device-types.ts";
import type { Rng } from "../models/rng.ts";
import type { DeviceSpec } from "../plans/device-spec.ts";
import type { DeviceConnector } from "./device-connector.ts";
import type { FleetStats } from "./fleet-stats.ts";

/** An event the hub acknowledged, for whoever samples end-to-end latency. */
export interface StoredEvent {
  readonly deviceId: string;
  readonly kind: "telemetry" | "status" | "registration";
  readonly stream: string;
  readonly seq: number;
  /** `performance.now()` when it was handed to the SDK. */
  readonly sentAt: number;
}

/** What a simulated device needs from the run it is part of. */
export interface DeviceIo {
  readonly connector: DeviceConnector;
  readonly stats: FleetStats;
  readonly onStored?: (e: StoredEvent) => void;
}

/** A device model played through a real device client. */
export interface SimulatedDevice {
  readonly spec: DeviceSpec;
  readonly twin: DeviceTwin;
  readonly intervalMs: number;
  client: DeviceClient | undefined;
  state: "down" | "connecting" | "online" | "offline" | "closed";
  /** Epoch ms of the next report. */
  nextDue: number;
  /** Epoch ms the twin was last stepped to. */
  lastStep: number;
}

/** A device of `spec`, its randomness forked from `root` by id (so a seed replays it). */
export function simulatedDevice(
  spec: DeviceSpec,
  root: Rng,
  at: Date,
  mishaps?: MishapRates,
  intervalMs?: number,
): SimulatedDevice {
  const model = modelFor(spec.type, spec.metrics);
  return {
    spec,
    twin: createTwin(model, root.fork(spec.id), at, mishaps),
    intervalMs: intervalMs ?? spec.intervalMs ?? model.defaultIntervalMs,
    client: undefined,
    state: "down",
    nextDue: at.getTime(),
    lastStep: at.getTime(),
  };
}

/**
 * Connects the device (the SDK reports `online`), installs a handler per capability and,
 * on first boot, registers it. Connection failures are counted as `connect`; the device
 * stays down.
 */
export async function connectSimulated(
  d: SimulatedDevice,
  io: DeviceIo,
  register: boolean,
): Promise<boolean> {
  d.state = "connecting";
  let client: DeviceClient;
  try {
    client = await io.connector.connect(d.spec.id);
  } catch (err) {
    io.stats.error(err, "connect");
    if (!closed(d)) d.state = "down";
    return false;
  }
  if (closed(d)) {
    // The run ended while this device was still connecting.
    await io.connector.disconnect(client, "close").catch(() => {});
    return false;
  }
  const model = d.twin.model;
  for (const name of model.capabilities) {
    client.onCommand(name, (params) => {
      io.stats.commandsReceived++;
      try {
        const { result, readings } = commandTwin(d.twin, name, params, new Date());
        io.stats.commandsCompleted++;
        // Report the new state at once, as a real device would.
        report(d, io, readings);
        return result;
      } catch (err) {
        io.stats.commandsRejected++;
        throw err;
      }
    });
  }
  d.client = client;
  if (register) {
    const sentAt = performance.now();
    io.stats.published++;
    try {
      const r = await client.register({
        name: d.spec.name,
        type: model.type,
        capabilities: [...model.capabilities],
        tags: [...(d.spec.tags ?? []), "simulated"].filter((t, i, all) => all.indexOf(t) === i),
        location: d.spec.location ?? null,
        firmware: "uaip-simulator/0.1.0",
        metadata: { simulated: true, metrics: model.metrics.join(",") },
      });
      stored(d, io, "registration", { stream: "", seq: r.seq, duplicate: false }, sentAt);
    } catch (err) {
      io.stats.error(err);
    }
  }
  if (!closed(d)) d.state = "online";
  return true;
}

/** Whether the run closed the device (read through a call: the state changes under awaits). */
function closed(d: SimulatedDevice): boolean {
  return d.state === "closed";
}

/**
 * Advances the device's twin to `now` and publishes what it has to say. Several intervals
 * overdue (the process was busy) it reports up to `maxCatchUp` of them, then skips the rest.
 */
export function stepSimulated(d: SimulatedDevice, io: DeviceIo, now: number, maxCatchUp = 5): void {
  if (d.state === "connecting" || d.state === "closed" || d.state === "down") return;
  for (let i = 0; i < maxCatchUp && now >= d.nextDue; i++) {
    const at = d.nextDue;
    const r = advanceTwin(d.twin, at - d.lastStep, new Date(at));
    d.lastStep = at;
    d.nextDue += d.intervalMs;
    if (r.presence === "offline") {
      goOffline(d, io);
      return;
    }
    if (r.presence === "online") {
      // Back from an outage: connect again, then say what it reads now.
      void connectSimulated(d, io, false).then((ok) => {
        if (ok && r.readings) report(d, io, r.readings);
      });
      return;
    }
    if (r.status) {
      if (r.status.status === "error") io.stats.faults++;
      status(d, io, r.status.status, r.status.reason);
    }
    if (r.readings && d.state === "online") report(d, io, r.readings);
  }
  if (now >= d.nextDue) d.nextDue = now + d.intervalMs;
}

/** Stops the device for good: reports offline, flushes, disconnects. */
export async function closeSimulated(d: SimulatedDevice, io: DeviceIo): Promise<void> {
  const client = d.client;
  d.client = undefined;
  d.state = "closed";
  if (!client) return;
  await io.connector.disconnect(client, "close").catch((err) => io.stats.error(err));
}

function goOffline(d: SimulatedDevice, io: DeviceIo): void {
  const client = d.client;
  d.client = undefined;
  d.state = "offline";
  io.stats.outages++;
  if (!client) return;
  // Its connection goes down (the SDK reports offline on the way out).
  void io.connector.disconnect(client, "close").catch((err) => io.stats.error(err));
}

function report(d: SimulatedDevice, io: DeviceIo, readings: Record<string, number>): void {
  const client = d.client;
  if (!client) return;
  const sentAt = performance.now();
  io.stats.published++;
  io.stats.telemetry++;
  client.reportTelemetry(readings).then(
    (ack) => stored(d, io, "telemetry", ack, sentAt),
    (err) => io.stats.error(err),
  );
}

function status(d: SimulatedDevice, io: DeviceIo, value: "online" | "error", reason: string): void {
  const client = d.client;
  if (!client) return;
  const sentAt = performance.now();
  io.stats.published++;
  io.stats.statusChanges++;
  client.reportStatus(value, reason).then(
    (ack) => stored(d, io, "status", ack, sentAt),
    (err) => io.stats.error(err),
  );
}

function stored(
  d: SimulatedDevice,
  io: DeviceIo,
  kind: StoredEvent["kind"],
  ack: StoredAck,
  sentAt: number,
): void {
  io.stats.stored++;
  if (kind === "registration") io.stats.registrations++;
  io.stats.publishLatency.record(performance.now() - sentAt);
  io.onStored?.({ deviceId: d.spec.id, kind, stream: ack.stream, seq: ack.seq, sentAt });
}
