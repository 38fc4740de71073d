import type { Redis } from "ioredis";
import { CheckpointConflictError } from "../checkpoint-conflict-error.ts";
import { foldBatch } from "../devices/devices-fold.ts";
import type { TargetBatch } from "../projection-target.ts";
import { cacheKeys } from "./cache-keys.ts";
import { encodeRow } from "./device-hash.ts";
import { readDevices } from "./read-devices.ts";
import { checkpointConflictCode, commitBatchScript } from "./redis-scripts.ts";
import { replyCode, runScript } from "./run-script.ts";

/**
 * Writes one batch of the devices stream into the caches in two round trips whatever its
 * size: one pipeline reads the snapshots of the devices the batch touches, the batch is
 * folded onto them in memory with `foldBatch` (the same fold as the PostgreSQL `devices`
 * writer, collapsed to the last row per device), then one script checks the checkpoint is
 * at `from`, writes the rows (each guarded by its version, the sets and counters moved from
 * the stored old values) and sets the checkpoint to `to`, atomically.
 *
 * `streamEnd` (asked while the snapshots are read) is for a batch from 0 (no checkpoint: the caches are being built from empty):
 * the script records "replaying until" it, and readers keep to PostgreSQL until the
 * checkpoint has passed it. Without it such a batch is refused (MISSING_STREAM_END).
 *
 * Rejected events are ignored here: the PostgreSQL projections record them (table and dead
 * letters), so the caches only move their checkpoint past them.
 *
 * @throws CheckpointConflictError when the checkpoint is not at `from`, nothing written.
 */
export async function writeRedisBatch(
  redis: Redis,
  namespace: string,
  { events, from, to }: Pick<TargetBatch, "events" | "from" | "to">,
  streamEnd?: Promise<number>,
): Promise<void> {
  const keys = cacheKeys(namespace);
  const ids = [...new Set(events.map((e) => e.event.deviceId))];
  // The stream end (a NATS request) is awaited alongside the snapshots, not after them.
  const [before, end] = await Promise.all([readDevices(redis, namespace, ids), streamEnd]);
  const changed = foldBatch(before, events);
  try {
    await runScript(
      redis,
      commitBatchScript,
      [keys.checkpoint, keys.replayingUntil],
      [keys.prefix, from, to, end === undefined ? "" : String(end), ...changed.map(encodeRow)],
    );
  } catch (err) {
    if (replyCode(err) === checkpointConflictCode) throw new CheckpointConflictError("redis", from);
    throw err;
  }
}
