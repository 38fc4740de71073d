import type { Database, DevicesTable } from "@uaip/migrations";
import { type Selectable, sql, type Transaction } from "kysely";
import { adjustFleetStats } from "../fleet-stats/fleet-stats-writer.ts";
import type { ApplyBatch, BatchWriter } from "../projection.ts";
import { rowCache } from "../row-cache.ts";
import type { DeviceRow } from "./device-row.ts";
import { foldBatch } from "./devices-fold.ts";

type Tx = Transaction<Database>;

/**
 * A writer for `devices` and `fleet_stats` that keeps committed rows in memory, so a batch
 * reads from the table only the devices it has not seen. It folds in memory (collapsing to
 * the last state per device) and writes with two set-based statements: one upsert of the
 * changed rows and one adjustment of the counts (../fleet-stats/fleet-stats-writer.ts).
 *
 * The cache is safe because anything that changes the table behind this writer — another
 * worker's batches, a rebuild's swap — also moves the checkpoint, so this writer's next
 * transaction fails its checkpoint compare-and-set and rolls back; on any rollback the
 * cache is dropped and rows are read from the table again.
 */
export function devicesWriter(opts: { cacheSize?: number } = {}): BatchWriter {
  const cache = rowCache<DeviceRow>(opts.cacheSize ?? 100_000);
  let pending: DeviceRow[] = [];
  const apply: ApplyBatch = async (tx, events) => {
    const ids = [...new Set(events.map((e) => e.event.deviceId))];
    const before = new Map<string, DeviceRow>();
    const misses: string[] = [];
    for (const id of ids) {
      const row = cache.get(id);
      if (row) before.set(id, row);
      else misses.push(id);
    }
    for (const [id, row] of await loadDevices(tx, misses)) before.set(id, row);
    const changed = foldBatch(before, events);
    if (changed.length === 0) return;
    await upsertDevices(tx, changed);
    await adjustFleetStats(tx, changed, before);
    pending.push(...changed);
  };
  return {
    apply,
    // Only committed rows may be cached: a retried batch must see the table's versions.
    committed() {
      for (const row of pending) cache.set(row.id, row);
      pending = [];
    },
    aborted() {
      pending = [];
      cache.clear();
    },
  };
}

/** The stateless writer: reads every row it touches from the table. */
export const writeDevices: ApplyBatch = (tx, events) =>
  devicesWriter({ cacheSize: 0 }).apply(tx, events);

export async function loadDevices(tx: Tx, ids: readonly string[]): Promise<Map<string, DeviceRow>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom("devices")
    .selectAll()
    .where(sql<boolean>`id = any(${sql.val(ids)}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, fromTable(r)]));
}

async function upsertDevices(tx: Tx, rows: readonly DeviceRow[]): Promise<void> {
  const json = JSON.stringify(rows.map(toRecord));
  // The version guard keeps a replayed batch from taking a row back.
  await sql`
    INSERT INTO devices AS d
    SELECT * FROM jsonb_populate_recordset(null::devices, ${json}::jsonb)
    ON CONFLICT (id) DO UPDATE SET
      name = excluded.name, type = excluded.type, capabilities = excluded.capabilities,
      tags = excluded.tags, location = excluded.location, firmware = excluded.firmware,
      metadata = excluded.metadata, status = excluded.status, status_reason = excluded.status_reason,
      status_changed_at = excluded.status_changed_at, registered_at = excluded.registered_at,
      last_seen_at = excluded.last_seen_at, decommissioned_at = excluded.decommissioned_at,
      version = excluded.version
    WHERE d.version < excluded.version`.execute(tx);
}

/** A row as the `devices` table's columns (snake case), for JSON to `jsonb_populate_recordset`. */
export function toRecord(row: DeviceRow) {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    capabilities: row.capabilities,
    tags: row.tags,
    location: row.location,
    firmware: row.firmware,
    metadata: row.metadata,
    status: row.status,
    status_reason: row.statusReason,
    status_changed_at: row.statusChangedAt,
    registered_at: row.registeredAt,
    last_seen_at: row.lastSeenAt,
    decommissioned_at: row.decommissionedAt,
    version: row.version,
  };
}

/** A `devices` table row (as pg returns it) as the fold's row. */
export function fromTable(r: Selectable<DevicesTable>): DeviceRow {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    capabilities: r.capabilities,
    tags: r.tags,
    location: r.location,
    firmware: r.firmware,
    metadata: r.metadata as Record<string, unknown>,
    status: r.status as DeviceRow["status"],
    statusReason: r.status_reason,
    statusChangedAt: iso(r.status_changed_at),
    registeredAt: iso(r.registered_at),
    lastSeenAt: iso(r.last_seen_at) as string,
    decommissionedAt: iso(r.decommissioned_at),
    version: Number(r.version),
  };
}
