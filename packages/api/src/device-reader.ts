import { readSnapshots, type SnapshotRead, servesReads } from "@uaip/cache";
import type { StreamKind } from "@uaip/events";
import { problems } from "@uaip/http-kit";
import type { DeviceRow } from "@uaip/projections";
import { sql } from "kysely";
import type { ApiServices } from "./api-services.ts";
import { selectDeviceRows, toDeviceRow } from "./device-rows.ts";
import { cacheHits, cacheMisses } from "./metrics/api-metrics.ts";

/** The snapshots with the Redis checkpoint and replay marker, or nothing if Redis is unreachable. */
async function fromCache(
  s: ApiServices,
  ids: readonly string[],
): Promise<SnapshotRead | undefined> {
  try {
    return await readSnapshots(s.deps.redis, s.deps.namespace, ids);
  } catch (err) {
    s.deps.logger.debug({ err: (err as Error).message }, "Redis unreachable; reading PostgreSQL");
    return undefined;
  }
}

/**
 * Devices by id. One Redis round trip (one atomic Lua read) fetches the snapshots with the
 * Redis projection's checkpoint and replay marker; they answer only when `servesReads` says
 * so: Redis has a checkpoint, is not rebuilding after a data loss, and has passed the
 * reader's `minSeq`. Everything else comes from PostgreSQL in one query. Redis unreachable counts as
 * misses, never as an error.
 *
 * On the PostgreSQL path the snapshots read anyway are still compared: a device's higher
 * version wins (an absent row counts as lower than any). Both sides are folds of the same
 * log, a snapshot of that device is its state after every one of its events up to its
 * version, so the higher one is the newer state — it never goes back in time, and it keeps
 * a read that already waited for `minSeq` at least there.
 *
 * @example
 * const rows = await readDevicesById(s, ["a", "b"], new Map()); // Map { a → DeviceRow }
 */
export async function readDevicesById(
  s: ApiServices,
  ids: readonly string[],
  minSeq: ReadonlyMap<StreamKind, number>,
): Promise<Map<string, DeviceRow>> {
  const cached = await fromCache(s, ids);
  const found =
    cached && servesReads(cached, minSeq.get("devices"))
      ? new Map(cached.rows)
      : new Map<string, DeviceRow>();
  if (found.size > 0) cacheHits.inc({ cache: "devices" }, found.size);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length === 0) return found;
  cacheMisses.inc({ cache: "devices" }, missing.length);
  const rows = await selectDeviceRows(s.db)
    .where(sql<boolean>`id = any(${sql.val(missing)}::text[])`)
    .execute();
  for (const r of rows) found.set(r.id, toDeviceRow(r));
  for (const id of missing) {
    const snapshot = cached?.rows.get(id);
    if (snapshot && snapshot.version > (found.get(id)?.version ?? 0)) found.set(id, snapshot);
  }
  return found;
}

/** A 404 unless the devices projection knows this id (for routes whose answer was empty). */
export async function assertDeviceKnown(s: ApiServices, id: string): Promise<void> {
  const row = await s.db.selectFrom("devices").select("id").where("id", "=", id).executeTakeFirst();
  if (!row) throw problems.notFound(`no device "${id}"`);
}
