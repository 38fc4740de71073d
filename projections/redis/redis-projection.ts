import { streamName } from "@uaip/events";
import type { Redis } from "ioredis";
import type { ProjectionTarget } from "../projection-target.ts";
import { cacheKeys } from "./cache-keys.ts";
import { writeRedisBatch } from "./redis-writer.ts";
import { scanSuffixes } from "./scan-keys.ts";

/** The part of a JetStreamManager the projection needs: a stream's last sequence. */
export interface StreamInfoSource {
  readonly streams: {
    info(stream: string): Promise<{ readonly state: { readonly last_seq: number } }>;
  };
}

export interface RedisProjectionOptions {
  /**
   * Where the devices stream's last sequence is asked when a build starts from an empty
   * Redis: readers keep to PostgreSQL until the build has reached it.
   */
  readonly jsm: StreamInfoSource;
}

/**
 * The Redis caches as a projection of the devices stream: snapshots, online and type sets,
 * counters, and the checkpoint beside them in the same Redis. Its fold (redis-fold.ts) and
 * key layout (cache-keys.ts) are what the read side in packages/cache reads and verifies.
 *
 * Each batch costs two round trips whatever its size (see redis-writer.ts): one pipeline
 * reads the snapshots the batch touches, it is folded onto them with the same fold as the
 * PostgreSQL `devices` projection, and one script checks the checkpoint is at `from`,
 * writes the rows (each guarded by its version) and sets the checkpoint to `to`, atomically.
 *
 * A batch from 0 means the checkpoint is missing: Redis lost its data (restart without
 * persistence, FLUSHALL, eviction) or was never built. That batch also asks NATS for the
 * stream's last sequence N (one more round trip, once per build) and its script records
 * "replaying until N" with the rows; `readSnapshots` callers keep to PostgreSQL until the
 * checkpoint has passed N, so no reader sees the half-built caches (see packages/cache/README.md).
 *
 * `reset()` empties every cache key of the namespace (checkpoint first), so a stream that
 * was recreated is folded again from its start instead of halting the projection.
 *
 * @example
 * const target = redisProjectionTarget(redis, "hub", { jsm });
 * await target.position(); // undefined after a FLUSHALL: the runtime replays from 0
 */
export function redisProjectionTarget(
  redis: Redis,
  namespace: string,
  options: RedisProjectionOptions,
): ProjectionTarget {
  const keys = cacheKeys(namespace);
  const stream = streamName(namespace, "devices");
  return {
    name: "redis",
    stream: "devices",

    async position() {
      const stored = await redis.get(keys.checkpoint);
      return stored === null ? undefined : Number(stored);
    },

    // The runtime calls this when the checkpoint belongs to another stream instance (the
    // stream was recreated): the caches are emptied and folded again from the new stream.
    async reset() {
      // First the checkpoint, in one step with the marker: from then on readers use
      // PostgreSQL, so the keys deleted after it are never served half-deleted.
      await redis.del(keys.checkpoint, keys.replayingUntil);
      for (const family of [keys.device(""), keys.type("")]) {
        const suffixes = await scanSuffixes(redis, family);
        for (let i = 0; i < suffixes.length; i += 1_000)
          await redis.unlink(...suffixes.slice(i, i + 1_000).map((s) => family + s));
      }
      await redis.unlink(keys.online, keys.counts);
    },

    async commit({ events, from, to }) {
      // Asked now, not when the loss happened: every version anyone could have read
      // before this build began is at or below the stream's end at this moment.
      const streamEnd =
        from === 0 ? options.jsm.streams.info(stream).then((i) => i.state.last_seq) : undefined;
      await writeRedisBatch(redis, namespace, { events, from, to }, streamEnd);
    },
  };
}
