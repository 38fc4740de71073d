import type { Redis } from "ioredis";
import type { DeviceRow } from "../devices/device-row.ts";
import { cacheKeys } from "./cache-keys.ts";
import { type DeviceHash, deviceFromHash } from "./device-hash.ts";
import { pipelined } from "./pipelined.ts";

/**
 * The cached snapshots of `ids` in one pipeline of HGETALL (no round trip for none); ids
 * not cached are absent. What the Redis projection folds a batch onto, and the cache
 * service's `getDevices`.
 *
 * @example
 * const rows = await readDevices(redis, "hub", ["thermo-42"]); // Map { "thermo-42" => DeviceRow }
 */
export async function readDevices(
  redis: Pick<Redis, "pipeline">,
  namespace: string,
  ids: readonly string[],
): Promise<Map<string, DeviceRow>> {
  const keys = cacheKeys(namespace);
  const replies = await pipelined(redis, ids, (p, id) => p.hgetall(keys.device(id)));
  const found = new Map<string, DeviceRow>();
  ids.forEach((id, i) => {
    const row = deviceFromHash(replies[i] as DeviceHash);
    if (row) found.set(id, row);
  });
  return found;
}
