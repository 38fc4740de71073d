import { cacheKeys, type DeviceHash, deviceFromHash } from "@uaip/cache";
import type { StreamKind } from "@uaip/events";
import type { DeviceRow } from "@uaip/projections";
import { sql } from "kysely";
import type { ApiServices } from "./api-services.ts";
import { selectDeviceRows, toDeviceRow } from "./device-rows.ts";
import { cacheHits, cacheMisses } from "./metrics/api-metrics.ts";
import { problems } from "./problem.ts";

/**
 * Whether the Redis cache may answer a read that asked to see `minSeq`: only once the Redis
 * projection's own checkpoint has passed it (PostgreSQL's was already waited for).
 */
async function cacheIsFreshEnough(s: ApiServices, wanted: number): Promise<boolean> {
  const position = await s.deps.redis.get(cacheKeys(s.deps.namespace).checkpoint);
  return position !== null && Number(position) >= wanted;
}

/** The cached snapshots: one HGETALL for one id (the hot path), else one pipeline. */
async function fromCache(s: ApiServices, ids: readonly string[]): Promise<Map<string, DeviceRow>> {
  if (ids.length !== 1) return s.cache.getDevices(ids);
  const id = ids[0]!;
  const hash = (await s.deps.redis.hgetall(cacheKeys(s.deps.namespace).device(id))) as DeviceHash;
  const row = deviceFromHash(hash);
  return row ? new Map([[id, row]]) : new Map();
}

/**
 * Devices by id: the Redis snapshots first, in one round trip (`deviceCache.getDevices`'
 * pipeline, or a lone HGETALL for one id), then the misses from PostgreSQL in one query. Redis unreachable counts as misses, never as an error.
 *
 * @example
 * const rows = await readDevicesById(s, ["a", "b"], new Map()); // Map { a → DeviceRow }
 */
export async function readDevicesById(
  s: ApiServices,
  ids: readonly string[],
  minSeq: ReadonlyMap<StreamKind, number>,
): Promise<Map<string, DeviceRow>> {
  let found = new Map<string, DeviceRow>();
  try {
    const wanted = minSeq.get("devices");
    if (wanted === undefined || (await cacheIsFreshEnough(s, wanted)))
      found = await fromCache(s, ids);
  } catch (err) {
    s.deps.logger.debug({ err: (err as Error).message }, "Redis unreachable; reading PostgreSQL");
  }
  if (found.size > 0) cacheHits.inc({ cache: "devices" }, found.size);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length === 0) return found;
  cacheMisses.inc({ cache: "devices" }, missing.length);
  const rows = await selectDeviceRows(s.db)
    .where(sql<boolean>`id = any(${sql.val(missing)}::text[])`)
    .execute();
  for (const r of rows) found.set(r.id, toDeviceRow(r));
  return found;
}

/** A 404 unless the devices projection knows this id (for routes whose answer was empty). */
export async function assertDeviceKnown(s: ApiServices, id: string): Promise<void> {
  const row = await s.db.selectFrom("devices").select("id").where("id", "=", id).executeTakeFirst();
  if (!row) throw problems.notFound(`no device "${id}"`);
}
