import type { RecordedEvent } from "@uaip/events";
import { UnfoldableEventError } from "../projection.ts";
import { decommissionedRefusal, refusesAfterDecommissioning } from "./after-decommissioning.ts";
import type { DeviceRow } from "./device-row.ts";

/**
 * Folds one event into a device's row. Pure and idempotent: an event at or below the
 * row's version is ignored, so replaying after a crash changes nothing. Events of other
 * streams leave the row as it is.
 *
 * A device is registered once, by the first `device.registered` in stream order, whoever
 * sent it. A later one from the device itself (an operator registered it first, then it
 * declared itself) updates the fields it declares, as a `device.updated` would, its type
 * excepted; a later one from an operator is refused (the write side answered 409 for it). A decommissioning is never undone, and after it the device's
 * own events are refused (see after-decommissioning.ts).
 *
 * @throws UnfoldableEventError for an event the rules above refuse; the runtime makes it a
 *   dead letter and goes on.
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
  if (!event.type.startsWith("device.")) return row;
  if (row && refusesAfterDecommissioning(row.decommissionedAt !== null, event.source)) {
    throw new UnfoldableEventError(decommissionedRefusal(row.id, row.decommissionedAt ?? ""), seq);
  }
  const base = row ?? firstSight(event.deviceId, event.occurredAt);
  const seen =
    event.source === "device" && event.occurredAt > base.lastSeenAt
      ? event.occurredAt
      : base.lastSeenAt;

  switch (event.type) {
    case "device.registered": {
      const d = event.data;
      if (base.registeredAt !== null) {
        if (event.source !== "device") {
          throw new UnfoldableEventError(
            `device ${base.id} is already registered (since ${base.registeredAt}); an id is registered once`,
            seq,
          );
        }
        // As the SDK's `device.updated` on a later boot would: the fields it declares (a
        // field left at its default keeps the registry's value); the type never changes.
        return {
          ...base,
          name: d.name,
          ...(d.capabilities.length > 0 && { capabilities: d.capabilities }),
          ...(d.tags.length > 0 && { tags: d.tags }),
          ...(d.location !== null && { location: d.location }),
          ...(d.firmware !== null && { firmware: d.firmware }),
          ...(Object.keys(d.metadata).length > 0 && { metadata: d.metadata }),
          lastSeenAt: seen,
          version: seq,
        };
      }
      return {
        ...base,
        name: d.name,
        type: d.type,
        capabilities: d.capabilities,
        tags: d.tags,
        location: d.location,
        firmware: d.firmware,
        metadata: d.metadata,
        registeredAt: event.occurredAt,
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

/**
 * Folds a batch onto the rows it touches (`before`, by id; a device absent is new) and
 * answers the rows that changed, each at its last state in the batch: what a writer stores.
 * An event at or below a row's version changes nothing, so a redelivered batch answers none.
 *
 * @throws UnfoldableEventError as `evolveDevice`; the runtime isolates the event and retries.
 */
export function foldBatch(
  before: ReadonlyMap<string, DeviceRow>,
  events: Iterable<RecordedEvent>,
): DeviceRow[] {
  const after = new Map(before);
  for (const e of events) {
    const next = evolveDevice(after.get(e.event.deviceId), e);
    if (next) after.set(next.id, next);
  }
  return [...after.values()].filter((row) => row !== before.get(row.id));
}

/**
 * Folds a whole history; what `verify` and time travel compare with the table. An event
 * the fold refuses is skipped, as the runtime sends it to the dead letters instead of
 * applying it; pass `onUnfoldable` to hear about it.
 */
export function foldDevices(
  events: Iterable<RecordedEvent>,
  into = new Map<string, DeviceRow>(),
  onUnfoldable: (err: UnfoldableEventError) => void = () => {},
): Map<string, DeviceRow> {
  for (const e of events) {
    try {
      const next = evolveDevice(into.get(e.event.deviceId), e);
      if (next) into.set(next.id, next);
    } catch (err) {
      if (!(err instanceof UnfoldableEventError)) throw err;
      onUnfoldable(err);
    }
  }
  return into;
}
