import type { DeviceRow } from "@uaip/projections";
import type { Redis } from "ioredis";
import { type DeviceHash, deviceFromHash } from "./device-hash.ts";
import { cacheKeys } from "./keys.ts";

/** Device snapshots read together with the Redis projection's checkpoint and replay marker. */
export interface SnapshotRead {
  /** The snapshots found; ids not cached are absent. */
  readonly rows: ReadonlyMap<string, DeviceRow>;
  /** The Redis projection's checkpoint, or `undefined` when Redis holds none (empty, flushed). */
  readonly position: number | undefined;
  /** Set while a build from empty has not yet reached this stream sequence. */
  readonly replayingUntil: number | undefined;
}

/**
 * Reads the snapshots of `ids`, the checkpoint and the replay marker in ONE round trip: one
 * MULTI/EXEC, so all of them are from the same instant (a pipeline could interleave a
 * FLUSHALL and a first replayed batch between the checkpoint and the hashes).
 *
 * @example
 * const read = await readSnapshots(redis, "hub", ["thermo-42"]);
 * if (servesReads(read)) use(read.rows); else readPostgres();
 */
export async function readSnapshots(
  redis: Pick<Redis, "multi">,
  namespace: string,
  ids: readonly string[],
): Promise<SnapshotRead> {
  const keys = cacheKeys(namespace);
  const tx = redis.multi().mget(keys.checkpoint, keys.replayingUntil);
  for (const id of ids) tx.hgetall(keys.device(id));
  const replies = (await tx.exec()) ?? [];
  const values = replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
  const [position, replayingUntil] = values[0] as (string | null)[];
  const rows = new Map<string, DeviceRow>();
  ids.forEach((id, i) => {
    const row = deviceFromHash(values[i + 1] as DeviceHash);
    if (row) rows.set(id, row);
  });
  return {
    rows,
    position: position == null ? undefined : Number(position),
    replayingUntil: replayingUntil == null ? undefined : Number(replayingUntil),
  };
}

/**
 * Whether the snapshots of a read may answer: Redis has a checkpoint (an empty Redis is a
 * miss), is not rebuilding from empty (or its build has passed the stream end it started
 * from), and has reached `minSeq` when the reader asked for one.
 */
export function servesReads(read: SnapshotRead, minSeq?: number): boolean {
  const { position, replayingUntil } = read;
  if (position === undefined) return false;
  if (replayingUntil !== undefined && position < replayingUntil) return false;
  return minSeq === undefined || position >= minSeq;
}
