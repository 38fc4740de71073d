import type { JetStreamManager } from "@nats-io/jetstream";
import type { Db, Logger } from "@uaip/platform";
import type { ProjectionTarget } from "@uaip/projections";
import { readStreamId, recordStreamId } from "./checkpoints.ts";
import {
  type CheckpointFault,
  checkpointFault,
  expiredGap,
  streamIdentity,
} from "./stream-identity.ts";

/** Where a worker starts reading, or why it must not. */
export type StartingPoint =
  | {
      readonly ok: true;
      /** The committed position to read after. */
      readonly position: number;
      /** The stream instance being read. */
      readonly streamId: string;
      /** Sequences the stream's retention removed before they were applied: skip them. */
      readonly expired?: { readonly from: number; readonly to: number };
    }
  | { readonly ok: false; readonly fault: CheckpointFault };

export interface StartingPointDeps {
  readonly target: ProjectionTarget;
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly logger: Logger;
  /** Where the runtime keeps the stream identity of targets that keep none (live mode). */
  readonly db?: Db;
  /** Live workers check the checkpoint belongs to this stream; shadow builds start at 0. */
  readonly live: boolean;
}

/**
 * Reads the committed checkpoint and checks it against the stream: a checkpoint from another
 * stream instance (recreated, or another hub's) is a fault, never a reason to skip; a
 * target that lost its data replays from the start, and says so only when it had data.
 */
export async function startingPoint(deps: StartingPointDeps): Promise<StartingPoint> {
  const { target, logger } = deps;
  const info = await deps.jsm.streams.info(deps.stream);
  const streamId = streamIdentity(info);
  const committed = await target.position();
  if (!deps.live) return withGap(committed ?? 0, streamId, info);

  // A target that records its stream is the only authority on it; for one that does not,
  // the runtime's record beside the lease stands in.
  const recorded = target.streamId
    ? await target.streamId()
    : deps.db
      ? await readStreamId(deps.db, target.name)
      : undefined;
  if (committed === undefined) {
    if (recorded !== undefined)
      logger.warn("the target lost its data; replaying the stream from the start");
    else logger.info("nothing applied yet; folding the stream from the start");
  } else {
    const fault = checkpointFault(target.name, { position: committed, streamId: recorded }, info);
    if (fault) {
      if (!target.reset) return { ok: false, fault };
      logger.warn(
        { reason: fault.reason },
        `${fault.message.split(";")[0]}; emptying the target to fold this stream from the start`,
      );
      await target.reset();
      if (deps.db) await recordStreamId(deps.db, target.name, streamId);
      return withGap(0, streamId, info);
    }
  }
  if (recorded !== streamId && deps.db) await recordStreamId(deps.db, target.name, streamId);
  return withGap(committed ?? 0, streamId, info);
}

function withGap(
  position: number,
  streamId: string,
  info: Parameters<typeof expiredGap>[1],
): StartingPoint {
  const expired = expiredGap(position, info);
  return { ok: true, position, streamId, ...(expired ? { expired } : {}) };
}
