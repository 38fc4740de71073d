import type { StreamInfo } from "@nats-io/jetstream";

/**
 * Which stream instance a sequence counts in: its name and the time the server created it.
 * A stream deleted and created again (by hand, by a restore onto another server, by a
 * second hub sharing the database) starts its sequences over; the identity tells them apart.
 */
export function streamIdentity(info: Pick<StreamInfo, "config" | "created">): string {
  return `${info.config.name}@${info.created}`;
}

/** Why a checkpoint cannot be trusted on this stream; undefined when it can. */
export interface CheckpointFault {
  readonly reason: "stream_recreated" | "checkpoint_ahead";
  readonly message: string;
}

/**
 * Checks a committed position against the stream it is about to be used on. Skipping ahead
 * to a position from another stream instance would drop that stream's events silently, so
 * either fault stops the projection until it is rebuilt.
 */
export function checkpointFault(
  projection: string,
  checkpoint: { readonly position: number; readonly streamId: string | undefined },
  info: Pick<StreamInfo, "config" | "created" | "state">,
): CheckpointFault | undefined {
  const current = streamIdentity(info);
  const fix = `run \`uaip projections rebuild ${projection}\``;
  if (checkpoint.streamId !== undefined && checkpoint.streamId !== current) {
    return {
      reason: "stream_recreated",
      message: `${projection}: checkpoint ${checkpoint.position} was taken on ${checkpoint.streamId}, but the stream is now ${current} (deleted and created again?); ${fix}`,
    };
  }
  if (checkpoint.position > info.state.last_seq) {
    return {
      reason: "checkpoint_ahead",
      message: `${projection}: checkpoint ${checkpoint.position} is past the last sequence ${info.state.last_seq} of ${info.config.name} (another stream's checkpoint?); ${fix}`,
    };
  }
  return undefined;
}

/**
 * The events a position has no way to apply any more: the stream's head was removed by its
 * retention (max age) before the projection reached it. Undefined when there is no gap.
 */
export function expiredGap(
  position: number,
  info: Pick<StreamInfo, "state">,
): { readonly from: number; readonly to: number } | undefined {
  const before = info.state.first_seq - 1;
  return position < before ? { from: position, to: before } : undefined;
}
