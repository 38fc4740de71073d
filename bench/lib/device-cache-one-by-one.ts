import { type DeviceCache, type DeviceStatusEntry, deviceCache } from "@uaip/cache";
import { cacheKeys, type DeviceRow, deviceFromHash } from "@uaip/projections";
import type { Redis } from "ioredis";

/**
 * The same operations and results as `deviceCache`, but one awaited round trip per id: the
 * baseline the cache benchmark compares the batch operations with. Writes and status reads
 * call the batch operation once per id (the same script call or one HMGET each); snapshot
 * reads and membership use one plain HGETALL / EXISTS per id. Not for use in the hub.
 */
export function deviceCacheOneByOne(redis: Redis, namespace: string): DeviceCache {
  const keys = cacheKeys(namespace);
  const batch = deviceCache(redis, namespace);
  const each = async <T>(items: readonly T[], op: (item: T) => Promise<number>) => {
    let total = 0;
    for (const item of items) total += await op(item);
    return total;
  };
  return {
    cacheDevices: (rows) => each(rows, (row) => batch.cacheDevices([row])),
    async getDevices(ids) {
      const found = new Map<string, DeviceRow>();
      for (const id of ids) {
        const row = deviceFromHash(await redis.hgetall(keys.device(id)));
        if (row) found.set(id, row);
      }
      return found;
    },
    cacheStatuses: (statuses) => each(statuses, (s) => batch.cacheStatuses([s])),
    async getStatuses(ids) {
      const found = new Map<string, DeviceStatusEntry>();
      for (const id of ids) for (const [k, v] of await batch.getStatuses([id])) found.set(k, v);
      return found;
    },
    invalidate: (ids) => each(ids, (id) => batch.invalidate([id])),
    async cached(ids) {
      const found = new Set<string>();
      for (const id of ids) if ((await redis.exists(keys.device(id))) === 1) found.add(id);
      return found;
    },
  };
}
