import type { DeviceRow } from "@uaip/projections";
import { evolveDevice } from "@uaip/projections";
import { CheckpointConflictError, type ProjectionTarget } from "@uaip/projector";
import type { Redis } from "ioredis";
import { checkpointConflictCode, commitBatchScript } from "./cache-scripts.ts";
import { readDevices } from "./device-cache.ts";
import { encodeRow } from "./device-hash.ts";
import { cacheKeys } from "./keys.ts";
import { replyCode, runScript } from "./run-script.ts";

/**
 * The Redis caches as a projection of the devices stream: snapshots, online and type sets,
 * counters, and the checkpoint beside them in the same Redis.
 *
 * Each batch costs two round trips whatever its size: one pipeline reads the snapshots of
 * the devices the batch touches, the batch is folded in memory with `evolveDevice` (the
 * same fold as the PostgreSQL `devices` projection, collapsed to the last row per device),
 * then one script checks the checkpoint is at `from`, writes the rows (each guarded by its
 * version) and sets the checkpoint to `to`, atomically.
 *
 * @example
 * const target = redisProjectionTarget(redis, "hub");
 * await target.position(); // undefined after a FLUSHALL: the runtime replays from 0
 */
export function redisProjectionTarget(redis: Redis, namespace: string): ProjectionTarget {
  const keys = cacheKeys(namespace);
  return {
    name: "redis",
    stream: "devices",

    async position() {
      const stored = await redis.get(keys.checkpoint);
      return stored === null ? undefined : Number(stored);
    },

    // Rejected events are ignored here: the PostgreSQL projections record them (table and
    // dead letters), so this target only moves its checkpoint past them.
    async commit({ events, from, to }) {
      const ids = [...new Set(events.map((e) => e.event.deviceId))];
      const before = await readDevices(redis, namespace, ids);
      const after = new Map<string, DeviceRow>(before);
      for (const e of events) {
        const next = evolveDevice(after.get(e.event.deviceId), e);
        if (next) after.set(next.id, next);
      }
      const changed = [...after.values()].filter((row) => row !== before.get(row.id));
      try {
        await runScript(
          redis,
          commitBatchScript,
          [keys.checkpoint],
          [keys.prefix, from, to, ...changed.map(encodeRow)],
        );
      } catch (err) {
        if (replyCode(err) === checkpointConflictCode)
          throw new CheckpointConflictError("redis", from);
        throw err;
      }
    },
  };
}
