import type { RecordedEvent } from "@uaip/events";
import type { DeviceRow } from "./device-row.ts";

/**
 * Folds one event into a device's row. Pure and idempotent: an event at or below the
 * row's version is ignored, so replaying after a crash changes nothing. Events of other
 * streams leave the row as it is.
 *
 * @example
 * const row = evolveDevice(undefined, registered); // { id, name, type, status: "unknown", … }
 */
export function evolveDevice(
  row: DeviceRow | undefined,
  recorded: RecordedEvent,
): DeviceRow | undefined {
  const { event, seq } = recorded;
  if (row && seq <= row.version) return row;
  const base = row ?? firstSight(event.deviceId, event.occurredAt);
  const seen =
    event.source === "device" && event.occurredAt > base.lastSeenAt
      ? event.occurredAt
      : base.lastSeenAt;

  switch (event.type) {
    case "device.registered": {
      const d = event.data;
      return {
        ...base,
        name: d.name,
        type: d.type,
        capabilities: d.capabilities,
        tags: d.tags,
        location: d.location,
        firmware: d.firmware,
        metadata: d.metadata,
        registeredAt: base.registeredAt ?? event.occurredAt,
        decommissionedAt: null,
        lastSeenAt: seen,
        version: seq,
      };
    }
    case "device.updated": {
      const d = event.data;
      return {
        ...base,
        ...(d.name !== undefined && { name: d.name }),
        ...(d.capabilities !== undefined && { capabilities: d.capabilities }),
        ...(d.tags !== undefined && { tags: d.tags }),
        ...(d.location !== undefined && { location: d.location }),
        ...(d.firmware !== undefined && { firmware: d.firmware }),
        ...(d.metadata !== undefined && { metadata: d.metadata }),
        lastSeenAt: seen,
        version: seq,
      };
    }
    case "device.decommissioned":
      return { ...base, decommissionedAt: event.occurredAt, lastSeenAt: seen, version: seq };
    case "device.status_changed":
      return {
        ...base,
        status: event.data.status,
        statusReason: event.data.reason ?? null,
        statusChangedAt: event.occurredAt,
        lastSeenAt: seen,
        version: seq,
      };
    case "telemetry.reported":
    case "command.issued":
    case "command.delivered":
    case "command.acknowledged":
    case "command.completed":
    case "command.failed":
    case "command.expired":
    case "command.cancelled":
      return row;
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
}

/** A device the log mentions before (or without) registering it. */
function firstSight(id: string, at: string): DeviceRow {
  return {
    id,
    name: id,
    type: "unknown",
    capabilities: [],
    tags: [],
    location: null,
    firmware: null,
    metadata: {},
    status: "unknown",
    statusReason: null,
    statusChangedAt: null,
    registeredAt: null,
    lastSeenAt: at,
    decommissionedAt: null,
    version: 0,
  };
}

/** Folds a whole history; what `verify` and time travel compare with the table. */
export function foldDevices(
  events: Iterable<RecordedEvent>,
  into = new Map<string, DeviceRow>(),
): Map<string, DeviceRow> {
  for (const e of events) {
    const next = evolveDevice(into.get(e.event.deviceId), e);
    if (next) into.set(next.id, next);
  }
  return into;
}
