import type { RecordedEvent, Rejection, StreamKind } from "@uaip/events";

/** An event the runtime could not decode or fold, with its original bytes and the reason. */
export interface RejectedMessage {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly rejection: Rejection;
}

/** One batch as the runtime hands it to a target: decoded events and rejections, all above `from`. */
export interface TargetBatch {
  /** Valid events in stream order, every one with seq in (from, to]. */
  readonly events: readonly RecordedEvent[];
  /** Events that failed decoding or folding, with the reason. */
  readonly rejected: readonly RejectedMessage[];
  /** The checkpoint this batch expects to find. */
  readonly from: number;
  /** The checkpoint after this batch: the last stream sequence it covers. */
  readonly to: number;
  /** The stream instance these sequences count in, recorded with the checkpoint. */
  readonly streamId?: string;
}

/**
 * Where a projection's state lives (PostgreSQL tables, Redis keys). The runtime
 * (packages/projector) consumes, batches, decodes and acks; a target applies a batch and
 * moves its checkpoint from `from` to `to` atomically, in the same store as the data. The
 * contract lives here, beside the projections, so a target (the Redis one) needs nothing of
 * the runtime.
 */
export interface ProjectionTarget {
  readonly name: string;
  readonly stream: StreamKind;
  /**
   * The committed checkpoint (0 before the first event). `undefined` means the store lost
   * its data (e.g. Redis flushed): the runtime then replays the stream from the start.
   */
  position(): Promise<number | undefined>;
  /**
   * The stream instance the committed checkpoint counts in, as the last commit recorded it;
   * undefined when none was recorded. Targets without it rely on the runtime's record in
   * `projection_checkpoints`.
   */
  streamId?(): Promise<string | undefined>;
  /**
   * Empties the target so it can be folded again from the start: for a cache, which is
   * cheap to refill. A target with it is rebuilt by itself when its checkpoint turns out to
   * belong to another stream instance; one without it halts until an operator rebuilds it.
   */
  reset?(): Promise<void>;
  /**
   * Applies the batch and advances the checkpoint atomically. Throws CheckpointConflictError
   * when the stored checkpoint is not `from` (another worker moved it, or the data is gone),
   * leaving nothing applied.
   */
  commit(batch: TargetBatch): Promise<void>;
}
