import type { DeviceRow } from "@uaip/projections";
import type { Redis } from "ioredis";
import { invalidateScript, writeRowsScript, writeStatusesScript } from "./cache-scripts.ts";
import type { DeviceCache } from "./device-cache.ts";
import {
  type DeviceStatusEntry,
  deviceFromHash,
  encodeRow,
  encodeStatus,
  statusFields,
  statusFromFields,
} from "./device-hash.ts";
import { cacheKeys } from "./keys.ts";
import { runScript } from "./run-script.ts";

/**
 * The same operations and results as `deviceCache`, but one awaited round trip per id: the
 * baseline the cache benchmark compares the batch operations with. Not for use in the hub.
 */
export function deviceCacheOneByOne(redis: Redis, namespace: string): DeviceCache {
  const keys = cacheKeys(namespace);
  return {
    async cacheDevices(rows) {
      let written = 0;
      for (const row of rows) {
        written += Number(
          await runScript(redis, writeRowsScript, [], [keys.prefix, encodeRow(row)]),
        );
      }
      return written;
    },
    async getDevices(ids) {
      const found = new Map<string, DeviceRow>();
      for (const id of ids) {
        const row = deviceFromHash(await redis.hgetall(keys.device(id)));
        if (row) found.set(id, row);
      }
      return found;
    },
    async cacheStatuses(statuses) {
      let written = 0;
      for (const s of statuses) {
        const args = [keys.prefix, encodeStatus(s)];
        written += Number(await runScript(redis, writeStatusesScript, [], args));
      }
      return written;
    },
    async getStatuses(ids) {
      const found = new Map<string, DeviceStatusEntry>();
      for (const id of ids) {
        const entry = statusFromFields(id, await redis.hmget(keys.device(id), ...statusFields));
        if (entry) found.set(id, entry);
      }
      return found;
    },
    async invalidate(ids) {
      let deleted = 0;
      for (const id of ids) {
        deleted += Number(await runScript(redis, invalidateScript, [], [keys.prefix, id]));
      }
      return deleted;
    },
    async cached(ids) {
      const found = new Set<string>();
      for (const id of ids) if ((await redis.exists(keys.device(id))) === 1) found.add(id);
      return found;
    },
  };
}
