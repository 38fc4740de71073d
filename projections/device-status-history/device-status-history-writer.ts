import type { RecordedEvent } from "@uaip/events";
import type { Database, DeviceStatusHistoryTable } from "@uaip/migrations";
import { type Selectable, sql, type Transaction } from "kysely";
import { foldStatusHistory } from "./device-status-history-fold.ts";
import type { StatusChangeRow } from "./status-change-row.ts";

type Tx = Transaction<Database>;

/**
 * Appends a batch's status changes to `device_status_history` in one statement whatever its
 * size. The sequence is the key, so rows already there (a replay) are left as they are.
 */
export async function writeStatusHistory(tx: Tx, events: readonly RecordedEvent[]): Promise<void> {
  const rows = [...foldStatusHistory(events).values()];
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map(toRecord));
  await sql`
    INSERT INTO device_status_history (seq, device_id, status, reason, occurred_at, stored_at)
    SELECT seq, device_id, status, reason, occurred_at, stored_at
    FROM jsonb_to_recordset(${json}::jsonb) AS x(seq bigint, device_id text, status text,
      reason text, occurred_at timestamptz, stored_at timestamptz)
    ON CONFLICT (seq) DO NOTHING`.execute(tx);
}

function toRecord(row: StatusChangeRow) {
  return {
    seq: row.seq,
    device_id: row.deviceId,
    status: row.status,
    reason: row.reason,
    occurred_at: row.occurredAt,
    stored_at: row.storedAt,
  };
}

/** A `device_status_history` table row (as pg returns it) as the fold's row. */
export function fromTable(r: Selectable<DeviceStatusHistoryTable>): StatusChangeRow {
  return {
    seq: Number(r.seq),
    deviceId: r.device_id,
    status: r.status as StatusChangeRow["status"],
    reason: r.reason,
    occurredAt: new Date(r.occurred_at).toISOString(),
    storedAt: new Date(r.stored_at).toISOString(),
  };
}
