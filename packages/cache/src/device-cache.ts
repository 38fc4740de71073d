import type { DeviceRow } from "@uaip/projections";
import { cacheKeys, encodeRow, pipelined, readDevices, runScript } from "@uaip/projections";
import type { Redis } from "ioredis";
import { invalidateScript, writeRowsScript, writeStatusesScript } from "./cache-scripts.ts";
import {
  type DeviceStatusEntry,
  encodeStatus,
  statusFields,
  statusFromFields,
} from "./device-status-entry.ts";

/**
 * Batch reads and writes of the device caches. Every operation costs ONE round trip to
 * Redis whatever the number of ids (one pipeline or one script call), and none when given
 * nothing. Writes go through the same sequence-guarded scripts as the Redis projection, so
 * a cache fill racing the projection can never put older state over newer.
 */
export interface DeviceCache {
  /** Stores snapshots unless the cached version is as new or newer; answers how many were written. */
  cacheDevices(rows: readonly DeviceRow[]): Promise<number>;
  /** The cached snapshots of these ids; ids not cached are absent from the map. */
  getDevices(ids: readonly string[]): Promise<Map<string, DeviceRow>>;
  /**
   * Updates the status fields, online set and counters of devices already cached, when the
   * entry is newer than the snapshot; answers how many were written. Uncached ids are skipped.
   */
  cacheStatuses(statuses: readonly DeviceStatusEntry[]): Promise<number>;
  /** Status, reason, time and version of the cached devices among these ids. */
  getStatuses(ids: readonly string[]): Promise<Map<string, DeviceStatusEntry>>;
  /** Drops these snapshots (and their set memberships and counts); answers how many existed. */
  invalidate(ids: readonly string[]): Promise<number>;
  /** Which of these ids are cached. */
  cached(ids: readonly string[]): Promise<Set<string>>;
}

/**
 * A snapshot dropped by `invalidate` is not rebuilt by the Redis projection from older
 * events: the projection folds later events onto what it finds, so refill it (read-through
 * from PostgreSQL with `cacheDevices`) or rebuild the projection afterwards.
 *
 * @example
 * const cache = deviceCache(redis, "hub");
 * const hits = await cache.getDevices(ids); // one pipeline of HGETALL
 * const misses = ids.filter((id) => !hits.has(id));
 * await cache.cacheDevices(await loadFromPostgres(misses)); // one script call
 */
export function deviceCache(redis: Redis, namespace: string): DeviceCache {
  const keys = cacheKeys(namespace);
  return {
    async cacheDevices(rows) {
      if (rows.length === 0) return 0;
      return Number(
        await runScript(redis, writeRowsScript, [], [keys.prefix, ...rows.map(encodeRow)]),
      );
    },
    async getDevices(ids) {
      return readDevices(redis, namespace, ids);
    },
    async cacheStatuses(statuses) {
      if (statuses.length === 0) return 0;
      const args = [keys.prefix, ...statuses.map(encodeStatus)];
      return Number(await runScript(redis, writeStatusesScript, [], args));
    },
    async getStatuses(ids) {
      const replies = await pipelined(redis, ids, (p, id) =>
        p.hmget(keys.device(id), ...statusFields),
      );
      const found = new Map<string, DeviceStatusEntry>();
      ids.forEach((id, i) => {
        const entry = statusFromFields(id, replies[i] as (string | null)[]);
        if (entry) found.set(id, entry);
      });
      return found;
    },
    async invalidate(ids) {
      if (ids.length === 0) return 0;
      return Number(await runScript(redis, invalidateScript, [], [keys.prefix, ...ids]));
    },
    async cached(ids) {
      const replies = await pipelined(redis, ids, (p, id) => p.exists(keys.device(id)));
      return new Set(ids.filter((_, i) => replies[i] === 1));
    },
  };
}
