import type { RecordedEvent } from "@uaip/events";
import { isoTime } from "../iso-time.ts";
import type { StatusChangeRow } from "./status-change-row.ts";

/**
 * The history row a stored event adds, if any: every `device.status_changed` becomes one
 * row keyed by its stream sequence; every other event adds nothing.
 *
 * @example
 * statusChangeOf(recorded); // { seq: 7, deviceId: "b1", status: "online", reason: null, … }
 */
export function statusChangeOf(recorded: RecordedEvent): StatusChangeRow | undefined {
  const { event, seq } = recorded;
  switch (event.type) {
    case "device.status_changed":
      return {
        seq,
        deviceId: event.deviceId,
        status: event.data.status,
        reason: event.data.reason ?? null,
        occurredAt: isoTime(event.occurredAt),
        storedAt: isoTime(recorded.storedAt),
      };
    case "device.registered":
    case "device.updated":
    case "device.decommissioned":
    case "telemetry.reported":
    case "command.issued":
    case "command.delivered":
    case "command.acknowledged":
    case "command.completed":
    case "command.failed":
    case "command.expired":
    case "command.cancelled":
      return undefined;
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
}

/**
 * Folds a whole history, keyed by sequence; what `verify` and time travel compare with the
 * table. Append-only and idempotent: the first row at a sequence stays (as `ON CONFLICT
 * (seq) DO NOTHING` does), so a duplicate or a replay adds nothing.
 */
export function foldStatusHistory(
  events: Iterable<RecordedEvent>,
  into = new Map<number, StatusChangeRow>(),
): Map<number, StatusChangeRow> {
  for (const e of events) {
    if (into.has(e.seq)) continue;
    const row = statusChangeOf(e);
    if (row) into.set(row.seq, row);
  }
  return into;
}
