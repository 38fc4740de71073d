import type { RecordedEvent } from "@uaip/events";
import type { CommandsTable, Database } from "@uaip/migrations";
import { type Selectable, sql, type Transaction } from "kysely";
import type { CommandRow } from "./command-row.ts";
import { commandIdOf, evolveCommand } from "./commands-fold.ts";

type Tx = Transaction<Database>;

/**
 * Applies a batch to `commands` in two statements whatever its size: read the rows the
 * batch touches, fold in memory (collapsing to the last state per command), upsert the
 * changed rows from one JSON array. An unfoldable event throws before anything is written.
 */
export async function writeCommands(tx: Tx, events: readonly RecordedEvent[]): Promise<void> {
  const ids = [
    ...new Set(events.map((e) => commandIdOf(e.event)).filter((id) => id !== undefined)),
  ];
  const before = await loadCommands(tx, ids);
  const after = new Map(before);
  for (const e of events) {
    const id = commandIdOf(e.event);
    if (id === undefined) continue;
    const next = evolveCommand(after.get(id), e);
    if (next) after.set(id, next);
  }
  const changed = [...after.values()].filter((row) => row !== before.get(row.commandId));
  if (changed.length === 0) return;
  await upsertCommands(tx, changed);
}

export async function loadCommands(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, CommandRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom("commands")
    .selectAll()
    .where(sql<boolean>`command_id = any(${sql.val(ids)}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.command_id, fromTable(r)]));
}

async function upsertCommands(tx: Tx, rows: readonly CommandRow[]): Promise<void> {
  const json = JSON.stringify(rows.map(toRecord));
  // The version guard keeps a stale writer (a worker that lost its lease) from going back.
  await sql`
    INSERT INTO commands AS c (command_id, device_id, name, params, state, attempts, issued_at,
      expires_at, delivered_at, acknowledged_at, completed_at, failed_at, expired_at,
      cancelled_at, result, error, idempotency_key, version)
    SELECT command_id, device_id, name, params, state, attempts, issued_at, expires_at,
      delivered_at, acknowledged_at, completed_at, failed_at, expired_at, cancelled_at, result,
      error, idempotency_key, version
    FROM jsonb_to_recordset(${json}::jsonb) AS x(command_id text, device_id text, name text,
      params jsonb, state text, attempts integer, issued_at timestamptz, expires_at timestamptz,
      delivered_at timestamptz, acknowledged_at timestamptz, completed_at timestamptz,
      failed_at timestamptz, expired_at timestamptz, cancelled_at timestamptz, result jsonb,
      error jsonb, idempotency_key text, version bigint)
    ON CONFLICT (command_id) DO UPDATE SET
      device_id = excluded.device_id, name = excluded.name, params = excluded.params,
      state = excluded.state, attempts = excluded.attempts, issued_at = excluded.issued_at,
      expires_at = excluded.expires_at, delivered_at = excluded.delivered_at,
      acknowledged_at = excluded.acknowledged_at, completed_at = excluded.completed_at,
      failed_at = excluded.failed_at, expired_at = excluded.expired_at,
      cancelled_at = excluded.cancelled_at, result = excluded.result, error = excluded.error,
      idempotency_key = excluded.idempotency_key, version = excluded.version
    WHERE c.version < excluded.version`.execute(tx);
}

function toRecord(row: CommandRow) {
  return {
    command_id: row.commandId,
    device_id: row.deviceId,
    name: row.name,
    params: row.params,
    state: row.state,
    attempts: row.attempts,
    issued_at: row.issuedAt,
    expires_at: row.expiresAt,
    delivered_at: row.deliveredAt,
    acknowledged_at: row.acknowledgedAt,
    completed_at: row.completedAt,
    failed_at: row.failedAt,
    expired_at: row.expiredAt,
    cancelled_at: row.cancelledAt,
    result: row.result,
    error: row.error,
    idempotency_key: row.idempotencyKey,
    version: row.version,
  };
}

/** A `commands` table row (as pg returns it) as the fold's row. */
export function fromTable(r: Selectable<CommandsTable>): CommandRow {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    commandId: r.command_id,
    deviceId: r.device_id,
    name: r.name,
    params: r.params as Record<string, unknown>,
    state: r.state as CommandRow["state"],
    attempts: Number(r.attempts),
    issuedAt: iso(r.issued_at) as string,
    expiresAt: iso(r.expires_at) as string,
    deliveredAt: iso(r.delivered_at),
    acknowledgedAt: iso(r.acknowledged_at),
    completedAt: iso(r.completed_at),
    failedAt: iso(r.failed_at),
    expiredAt: iso(r.expired_at),
    cancelledAt: iso(r.cancelled_at),
    result: r.result,
    error: r.error as CommandRow["error"],
    idempotencyKey: r.idempotency_key,
    version: Number(r.version),
  };
}
