import type { RawStoredMessage, RecordedEvent } from "@uaip/events";
import type { RejectedMessage, TargetBatch } from "@uaip/projections";

export interface IsolatePoisonInput {
  /** Decoded events in stream order, every one with seq in (from, to]. */
  readonly events: readonly RecordedEvent[];
  /** Messages that failed decoding, recorded with whichever part of the range holds them. */
  readonly rejected: readonly RejectedMessage[];
  readonly from: number;
  readonly to: number;
  /** The stored message of each event, to record one the target refuses as a dead letter. */
  readonly raws: ReadonlyMap<number, RawStoredMessage>;
  /** Applies events, records rejections and moves the checkpoint from `from` to `to`, atomically. */
  readonly commit: (batch: Omit<TargetBatch, "streamId">) => Promise<void>;
  /** Failures that say nothing about the events (a store down, a checkpoint moved): rethrown. */
  readonly isRetryable: (err: unknown) => boolean;
}

/**
 * Commits (from, to]. If the target refuses the batch for a reason that is not retryable,
 * the batch is split in halves until the event at fault stands alone; that event is
 * committed as a rejection ("unfoldable") and the rest is applied. Returns the events
 * rejected this way. Pure: its only effect is through `commit`.
 *
 * @example
 * const poison = await isolatePoison({ events, rejected, from, to, raws, commit: (b) => target.commit(b), isRetryable: isTransient });
 */
export async function isolatePoison(input: IsolatePoisonInput): Promise<RejectedMessage[]> {
  const { events, rejected, from, to, commit } = input;
  try {
    await commit({ events, rejected, from, to });
    return [];
  } catch (err) {
    if (input.isRetryable(err)) throw err;
    if (events.length === 1) {
      const poison = unfoldable(input.raws.get(events[0]!.seq)!, err);
      await commit({ events: [], rejected: [...rejected, poison], from, to });
      return [poison];
    }
    if (events.length === 0) throw err;
    const mid = Math.ceil(events.length / 2);
    const cut = events[mid - 1]!.seq;
    const left = await isolatePoison({
      ...input,
      events: events.slice(0, mid),
      rejected: rejected.filter((r) => r.seq <= cut),
      to: cut,
    });
    const right = await isolatePoison({
      ...input,
      events: events.slice(mid),
      rejected: rejected.filter((r) => r.seq > cut),
      from: cut,
    });
    return [...left, ...right];
  }
}

function unfoldable(raw: RawStoredMessage, err: unknown): RejectedMessage {
  const message = err instanceof Error && err.message ? err.message : String(err);
  return {
    ...raw,
    rejection: {
      reason: "unfoldable",
      issues: [{ field: "(event)", rule: "fold", message }],
      message: `unfoldable: ${message}`,
    },
  };
}
