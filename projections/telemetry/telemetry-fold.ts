import type { RecordedEvent } from "@uaip/events";
import { isoTime } from "../iso-time.ts";
import type { TelemetryLatestRow, TelemetryMinuteRow, TelemetryRows } from "./telemetry-rows.ts";

/** One metric's value from one stored event. */
export interface Reading {
  readonly deviceId: string;
  readonly metric: string;
  readonly value: number;
  /** ISO, UTC. */
  readonly at: string;
  readonly seq: number;
}

/** The readings a stored event carries: one per metric of a `telemetry.reported`, else none. */
export function readingsOf(recorded: RecordedEvent): Reading[] {
  const { event, seq } = recorded;
  switch (event.type) {
    case "telemetry.reported": {
      const at = isoTime(event.occurredAt);
      return Object.entries(event.data.metrics).map(([metric, value]) => ({
        deviceId: event.deviceId,
        metric,
        value,
        at,
        seq,
      }));
    }
    case "device.registered":
    case "device.updated":
    case "device.decommissioned":
    case "device.status_changed":
    case "command.issued":
    case "command.delivered":
    case "command.acknowledged":
    case "command.completed":
    case "command.failed":
    case "command.expired":
    case "command.cancelled":
      return [];
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
}

/** Start of the UTC minute an ISO time falls in. */
export function minuteOf(at: string): string {
  const ms = Date.parse(at);
  return new Date(ms - (((ms % 60_000) + 60_000) % 60_000)).toISOString();
}

/** Map key of a minute row: device, metric and minute. */
export const minuteKey = (r: { deviceId: string; metric: string; minute: string }): string =>
  `${r.deviceId}\u0000${r.metric}\u0000${r.minute}`;

/** Map key of a latest row: device and metric. */
export const latestKey = (r: { deviceId: string; metric: string }): string =>
  `${r.deviceId}\u0000${r.metric}`;

/**
 * Adds a reading to its minute. Readings are folded in stream order (see `foldTelemetry`),
 * so one with the same `occurredAt` as the current last is later in the stream and wins.
 */
export function evolveMinute(row: TelemetryMinuteRow | undefined, r: Reading): TelemetryMinuteRow {
  if (!row) {
    const { deviceId, metric, value, at } = r;
    const minute = minuteOf(at);
    return {
      deviceId,
      metric,
      minute,
      count: 1,
      min: value,
      max: value,
      sum: value,
      last: value,
      lastAt: at,
    };
  }
  const newest = r.at >= row.lastAt;
  return {
    ...row,
    count: row.count + 1,
    min: Math.min(row.min, r.value),
    max: Math.max(row.max, r.value),
    sum: row.sum + r.value,
    last: newest ? r.value : row.last,
    lastAt: newest ? r.at : row.lastAt,
  };
}

/** A reading replaces the latest only if taken later (same time: the higher sequence). */
export function evolveLatest(row: TelemetryLatestRow | undefined, r: Reading): TelemetryLatestRow {
  if (row && (r.at < row.at || (r.at === row.at && r.seq <= row.seq))) return row;
  return { deviceId: r.deviceId, metric: r.metric, value: r.value, at: r.at, seq: r.seq };
}

/** A fold that has seen nothing yet (position 0). */
export function emptyTelemetry(): TelemetryRows {
  return { position: 0, minutes: new Map(), latest: new Map() };
}

/**
 * Folds a whole history (or one batch); what `verify` and time travel compare with the
 * tables. Counts and sums are not idempotent per row, so the fold keeps one position for
 * the whole stream, as the runtime's checkpoint does, and skips any event at or below it:
 * a duplicate, or an older event after a newer one, changes nothing.
 */
export function foldTelemetry(
  events: Iterable<RecordedEvent>,
  into: TelemetryRows = emptyTelemetry(),
): TelemetryRows {
  for (const e of events) {
    if (e.seq <= into.position) continue;
    into.position = e.seq;
    for (const r of readingsOf(e)) {
      const mk = minuteKey({ ...r, minute: minuteOf(r.at) });
      into.minutes.set(mk, evolveMinute(into.minutes.get(mk), r));
      const lk = latestKey(r);
      into.latest.set(lk, evolveLatest(into.latest.get(lk), r));
    }
  }
  return into;
}
