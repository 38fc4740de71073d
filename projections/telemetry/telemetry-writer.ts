import type { RecordedEvent } from "@uaip/events";
import type { Database, TelemetryLatestTable, TelemetryMinutesTable } from "@uaip/migrations";
import { type Selectable, sql, type Transaction } from "kysely";
import { foldTelemetry } from "./telemetry-fold.ts";
import type { TelemetryLatestRow, TelemetryMinuteRow } from "./telemetry-rows.ts";

type Tx = Transaction<Database>;

/**
 * Applies a batch to `telemetry_minutes` and `telemetry_latest` in two statements whatever
 * its size: the batch is folded in memory first, so each (device, metric, minute) and each
 * (device, metric) appears once, then merged with what is stored.
 *
 * The minute merge adds counts and sums, so it is not idempotent by itself: it relies on
 * the runtime handing each event over once (it skips events at or below the checkpoint,
 * which moves in the same transaction). Every event of the batch is later in the stream
 * than what is stored, so on equal `last_at` the batch's `last` wins.
 */
export async function writeTelemetry(tx: Tx, events: readonly RecordedEvent[]): Promise<void> {
  const batch = foldTelemetry(events);
  if (batch.minutes.size > 0) await mergeMinutes(tx, [...batch.minutes.values()]);
  if (batch.latest.size > 0) await mergeLatest(tx, [...batch.latest.values()]);
}

async function mergeMinutes(tx: Tx, rows: readonly TelemetryMinuteRow[]): Promise<void> {
  const json = JSON.stringify(
    rows.map((r) => ({
      device_id: r.deviceId,
      metric: r.metric,
      minute: r.minute,
      count: r.count,
      min: r.min,
      max: r.max,
      sum: r.sum,
      last: r.last,
      last_at: r.lastAt,
    })),
  );
  await sql`
    INSERT INTO telemetry_minutes AS t (device_id, metric, minute, count, min, max, sum, last,
      last_at)
    SELECT device_id, metric, minute, count, min, max, sum, last, last_at
    FROM jsonb_to_recordset(${json}::jsonb) AS x(device_id text, metric text,
      minute timestamptz, count bigint, min double precision, max double precision,
      sum double precision, last double precision, last_at timestamptz)
    ON CONFLICT (device_id, metric, minute) DO UPDATE SET
      count = t.count + excluded.count,
      min = LEAST(t.min, excluded.min),
      max = GREATEST(t.max, excluded.max),
      sum = t.sum + excluded.sum,
      last = CASE WHEN excluded.last_at >= t.last_at THEN excluded.last ELSE t.last END,
      last_at = GREATEST(t.last_at, excluded.last_at)`.execute(tx);
}

async function mergeLatest(tx: Tx, rows: readonly TelemetryLatestRow[]): Promise<void> {
  const json = JSON.stringify(
    rows.map((r) => ({
      device_id: r.deviceId,
      metric: r.metric,
      value: r.value,
      at: r.at,
      seq: r.seq,
    })),
  );
  // Guarded by time then sequence, so this one is idempotent even on a replay.
  await sql`
    INSERT INTO telemetry_latest AS t (device_id, metric, value, at, seq)
    SELECT device_id, metric, value, at, seq
    FROM jsonb_to_recordset(${json}::jsonb) AS x(device_id text, metric text,
      value double precision, at timestamptz, seq bigint)
    ON CONFLICT (device_id, metric) DO UPDATE SET
      value = excluded.value, at = excluded.at, seq = excluded.seq
    WHERE excluded.at > t.at OR (excluded.at = t.at AND excluded.seq > t.seq)`.execute(tx);
}

/** A `telemetry_minutes` table row (as pg returns it) as the fold's row. */
export function minuteFromTable(r: Selectable<TelemetryMinutesTable>): TelemetryMinuteRow {
  return {
    deviceId: r.device_id,
    metric: r.metric,
    minute: new Date(r.minute).toISOString(),
    count: Number(r.count),
    min: r.min,
    max: r.max,
    sum: r.sum,
    last: r.last,
    lastAt: new Date(r.last_at).toISOString(),
  };
}

/** A `telemetry_latest` table row (as pg returns it) as the fold's row. */
export function latestFromTable(r: Selectable<TelemetryLatestTable>): TelemetryLatestRow {
  return {
    deviceId: r.device_id,
    metric: r.metric,
    value: r.value,
    at: new Date(r.at).toISOString(),
    seq: Number(r.seq),
  };
}
