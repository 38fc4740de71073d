import type { RecordedEvent } from "@uaip/events";
import type { Database, DevicesTable } from "@uaip/migrations";
import { type Selectable, sql, type Transaction } from "kysely";
import { type ApplyBatch, type BatchWriter, RetryBatchError } from "../projection.ts";
import { rowCache } from "../row-cache.ts";
import type { DeviceRow } from "./device-row.ts";
import { evolveDevice } from "./devices-fold.ts";

type Tx = Transaction<Database>;

/**
 * A writer for `devices` and `fleet_stats` that keeps the rows it wrote in memory. A batch
 * reads from the table only the devices it has not seen, folds in memory (collapsing to the
 * last state per device), then writes with set-based statements: one UPDATE of the changed
 * rows — each guarded by the version the writer expects, so a stale cache (another worker
 * wrote, a rebuild swapped the table, a transaction rolled back) is detected, never
 * trusted — one INSERT of new devices, and one adjustment of the counts.
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
    const after = new Map(before);
    for (const e of events) {
      const next = evolveDevice(after.get(e.event.deviceId), e);
      if (next) after.set(next.id, next);
    }
    const changed = [...after.values()].filter((row) => row !== before.get(row.id));
    if (changed.length === 0) return;
    const existing = changed.filter((row) => before.has(row.id));
    const created = changed.filter((row) => !before.has(row.id));
    const written =
      (await updateDevices(tx, existing, before)) + (await insertDevices(tx, created));
    if (written !== changed.length) {
      cache.clear();
      throw new RetryBatchError(
        `devices: ${changed.length - written} rows were not at the version expected`,
      );
    }
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

const recordColumns = `x(id text, name text, type text, capabilities text[], tags text[],
  location text, firmware text, metadata jsonb, status text, status_reason text,
  status_changed_at timestamptz, registered_at timestamptz, last_seen_at timestamptz,
  decommissioned_at timestamptz, version bigint, expected bigint)`;

/** Updates rows still at the version the writer read; returns how many it updated. */
async function updateDevices(
  tx: Tx,
  rows: readonly DeviceRow[],
  before: ReadonlyMap<string, DeviceRow>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const json = JSON.stringify(
    rows.map((r) => ({ ...toRecord(r), expected: before.get(r.id)?.version })),
  );
  const result = await sql`
    UPDATE devices AS d SET
      name = x.name, type = x.type, capabilities = x.capabilities, tags = x.tags,
      location = x.location, firmware = x.firmware, metadata = x.metadata, status = x.status,
      status_reason = x.status_reason, status_changed_at = x.status_changed_at,
      registered_at = x.registered_at, last_seen_at = x.last_seen_at,
      decommissioned_at = x.decommissioned_at, version = x.version
    FROM jsonb_to_recordset(${json}::jsonb) AS ${sql.raw(recordColumns)}
    WHERE d.id = x.id AND d.version = x.expected`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

/** Inserts devices seen for the first time; one already there is left alone (and counted missing). */
async function insertDevices(tx: Tx, rows: readonly DeviceRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const json = JSON.stringify(rows.map(toRecord));
  const result = await sql`
    INSERT INTO devices (id, name, type, capabilities, tags, location, firmware, metadata, status,
      status_reason, status_changed_at, registered_at, last_seen_at, decommissioned_at, version)
    SELECT id, name, type, capabilities, tags, location, firmware, metadata, status,
      status_reason, status_changed_at, registered_at, last_seen_at, decommissioned_at, version
    FROM jsonb_to_recordset(${json}::jsonb) AS ${sql.raw(recordColumns)}
    ON CONFLICT (id) DO NOTHING`.execute(tx);
  return Number(result.numAffectedRows ?? 0);
}

/** Counts of live (not decommissioned) devices by status and by type. */
async function adjustFleetStats(
  tx: Tx,
  changed: readonly DeviceRow[],
  before: ReadonlyMap<string, DeviceRow>,
): Promise<void> {
  const delta = new Map<string, number>();
  const add = (row: DeviceRow | undefined, by: number) => {
    if (!row || row.decommissionedAt !== null) return;
    for (const key of [`status\u0000${row.status}`, `type\u0000${row.type}`]) {
      delta.set(key, (delta.get(key) ?? 0) + by);
    }
  };
  for (const row of changed) {
    add(before.get(row.id), -1);
    add(row, +1);
  }
  const entries = [...delta]
    .filter(([, n]) => n !== 0)
    .map(([key, n]) => {
      const [dimension, k] = key.split("\u0000") as [string, string];
      return { dimension, key: k, delta: n };
    });
  if (entries.length === 0) return;
  await sql`
    INSERT INTO fleet_stats AS f (dimension, key, count)
    SELECT dimension, key, delta FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
      AS x(dimension text, key text, delta bigint)
    ON CONFLICT (dimension, key) DO UPDATE SET count = f.count + excluded.count`.execute(tx);
  // A count back at zero is dropped, so the table is the same whatever the batch boundaries.
  await sql`DELETE FROM fleet_stats WHERE count = 0`.execute(tx);
}

function toRecord(row: DeviceRow) {
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
