// Histories the writer specs of projections/ share: each touches every case its writer
// handles (registrations, updates, decommissions, hub and device sources; a command's whole
// lifecycle, stale phases after a final one; readings out of order, ties, other streams).
import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";

/** 10:mm:ss.ms on the test day, UTC. */
export const at = (minute: number, second = 0, ms = 0) =>
  `2026-11-21T10:${pad(minute)}:${pad(second)}.${String(ms).padStart(3, "0")}Z`;
const pad = (n: number) => String(n).padStart(2, "0");

/** Events as a stream stores them: sequences from 1, stored a little after they occurred. */
export function stored(stream: string, events: readonly DeviceEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({
    stream,
    seq: i + 1,
    subject: "x",
    storedAt: new Date(Date.parse(event.occurredAt) + 250),
    event,
  }));
}

export const deviceHistory = stored("UAIP_DEVICES", [
  createEvent(
    "device.registered",
    "b1",
    { name: "Hall light", type: "smart-bulb", capabilities: ["set_power"], tags: ["home"] },
    { occurredAt: at(0) },
  ),
  createEvent(
    "device.registered",
    "th1",
    { name: "Thermostat", type: "thermostat", location: "hall", metadata: { floor: 1 } },
    { occurredAt: at(0, 5) },
  ),
  createEvent("device.status_changed", "b1", { status: "online" }, { occurredAt: at(1) }),
  createEvent("device.status_changed", "th1", { status: "online" }, { occurredAt: at(1, 2) }),
  createEvent("device.updated", "b1", { location: "hall", tags: ["home", "hall"] }),
  createEvent("device.status_changed", "plain-1", { status: "online" }, { occurredAt: at(2) }),
  createEvent(
    "device.status_changed",
    "th1",
    { status: "error", reason: "sensor fault" },
    { occurredAt: at(3) },
  ),
  createEvent(
    "device.status_changed",
    "b1",
    { status: "offline", reason: "heartbeat timeout" },
    { occurredAt: at(4), source: "hub" },
  ),
  createEvent("device.decommissioned", "th1", { reason: "replaced" }, { occurredAt: at(5) }),
  createEvent("device.status_changed", "b1", { status: "online" }, { occurredAt: at(3, 30) }),
]);

export const issue = (id: string, minute: number, extra: { idempotencyKey?: string } = {}) =>
  createEvent(
    "command.issued",
    "b1",
    {
      commandId: id,
      name: "set_power",
      params: { on: true, level: 3 },
      expiresAt: at(30),
      ...extra,
    },
    { occurredAt: at(minute), source: "operator" },
  );
export const commandHistory = stored("UAIP_COMMANDS", [
  issue("c1", 0, { idempotencyKey: "k-1" }),
  issue("c2", 0),
  issue("c3", 1),
  issue("c4", 1),
  createEvent("command.delivered", "b1", { commandId: "c1", attempt: 1 }, { occurredAt: at(1) }),
  createEvent("command.delivered", "b1", { commandId: "c2", attempt: 1 }, { occurredAt: at(1) }),
  createEvent("command.acknowledged", "b1", { commandId: "c1" }, { occurredAt: at(2) }),
  createEvent("command.cancelled", "b1", { commandId: "c3" }, { occurredAt: at(2) }),
  createEvent("command.delivered", "b1", { commandId: "c3", attempt: 1 }, { occurredAt: at(3) }),
  createEvent("command.delivered", "b1", { commandId: "c2", attempt: 2 }, { occurredAt: at(4) }),
  createEvent(
    "command.completed",
    "b1",
    { commandId: "c1", result: { power: "on", levels: [1, 2, 3] } },
    { occurredAt: at(5) },
  ),
  createEvent(
    "command.failed",
    "b1",
    { commandId: "c2", error: { message: "relay stuck" } },
    { occurredAt: at(6) },
  ),
  createEvent(
    "command.completed",
    "b1",
    { commandId: "c2", result: "late" },
    { occurredAt: at(7) },
  ),
  createEvent("command.expired", "b1", { commandId: "c4" }, { occurredAt: at(30) }),
  issue("c5", 8),
  createEvent("command.completed", "b1", { commandId: "c5" }, { occurredAt: at(9) }),
]);

// Values are multiples of 0.25, so sums are exact however the batches group them.
export const telemetryHistory = stored("UAIP_TELEMETRY", [
  ...Array.from({ length: 30 }, (_, i) =>
    createEvent(
      "telemetry.reported",
      i % 3 === 0 ? "t2" : "t1",
      { metrics: { temperature: 18 + ((i * 7) % 13) * 0.25, ...(i % 2 ? { power: -i } : {}) } },
      // Some readings are taken before ones stored earlier (clock skew, buffering).
      { occurredAt: at(Math.floor(i / 8), (i * 17) % 60, i % 4 === 0 ? 0 : 500) },
    ),
  ),
  // Taken at the same time, the latest of their minute: the later in the stream wins.
  createEvent(
    "telemetry.reported",
    "t1",
    { metrics: { power: 98 } },
    { occurredAt: at(3, 59, 750) },
  ),
  createEvent(
    "telemetry.reported",
    "t1",
    { metrics: { power: 99 } },
    { occurredAt: at(3, 59, 750) },
  ),
  createEvent("device.status_changed", "t1", { status: "online" }, { occurredAt: at(4) }),
]);
