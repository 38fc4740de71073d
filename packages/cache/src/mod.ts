export type { DeviceCache } from "./device-cache.ts";
export { deviceCache } from "./device-cache.ts";
export type { DeviceStatusEntry } from "./device-status-entry.ts";
export type { RedisVerifyFailure } from "./errors.ts";
export { isRedisVerifyError, RedisVerifyError } from "./errors.ts";
export type { SnapshotRead } from "./read-snapshots.ts";
export { readSnapshots, servesReads } from "./read-snapshots.ts";
export type { RedisVerifyDeps } from "./verify-redis-projection.ts";
export { verifyRedisProjection } from "./verify-redis-projection.ts";
