/**
 * Where the device caches live in Redis, all under the hub's namespace so several hubs (and
 * test files) share one Redis:
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<ns>:device:<id>` | hash | a device snapshot: one field per DeviceRow field (see device-hash.ts) |
 * | `<ns>:online` | set | ids of live devices whose status is `online` |
 * | `<ns>:type:<type>` | set | ids of live devices of that type |
 * | `<ns>:counts` | hash | `status:<status>` and `type:<type>`: how many live devices |
 * | `<ns>:projection:redis:position` | string | last stream sequence the Redis projection applied |
 * | `<ns>:projection:redis:replaying-until` | string | while a build from empty runs: the stream's last sequence when it began |
 *
 * "Live" means not decommissioned. A counter field or set that reaches zero is removed, so
 * the same history always leaves the same keys, however it was batched.
 *
 * For Redis Cluster, make the namespace a hash tag (e.g. `{hub}`): the scripts touch a whole
 * batch's keys at once, and a hash tag puts them in one slot.
 */
export interface CacheKeys {
  /** The prefix every key starts with, `<ns>:`. */
  readonly prefix: string;
  device(id: string): string;
  readonly online: string;
  type(type: string): string;
  readonly counts: string;
  readonly checkpoint: string;
  /** Present while the projection rebuilds from empty and has not reached this sequence. */
  readonly replayingUntil: string;
}

/**
 * @example
 * const keys = cacheKeys("hub");
 * keys.device("thermo-42"); // "hub:device:thermo-42"
 */
export function cacheKeys(namespace: string): CacheKeys {
  const prefix = `${namespace}:`;
  return {
    prefix,
    device: (id) => `${prefix}device:${id}`,
    online: `${prefix}online`,
    type: (type) => `${prefix}type:${type}`,
    counts: `${prefix}counts`,
    checkpoint: `${prefix}projection:redis:position`,
    replayingUntil: `${prefix}projection:redis:replaying-until`,
  };
}
