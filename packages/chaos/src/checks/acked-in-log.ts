import type { AckedEvent } from "../load/acked-event.ts";
import type { StreamLog } from "./stream-log.ts";

/** An acknowledged event the log does not hold as acknowledged. */
export interface LostEvent {
  readonly event: AckedEvent;
  /** What the log holds at that sequence instead, if anything. */
  readonly found?: { readonly msgId?: string; readonly subject: string };
}

/**
 * The acknowledged events missing from the log: an ack names a stream and sequence, and
 * the message stored there must carry the event's msg id on its subject. Pure.
 *
 * @example
 * lostEvents(fleet.acks, new Map([[log.stream, log]])); // [] when nothing was lost
 */
export function lostEvents(
  acks: readonly AckedEvent[],
  logs: ReadonlyMap<string, Pick<StreamLog, "bySeq">>,
): LostEvent[] {
  const lost: LostEvent[] = [];
  for (const event of acks) {
    const stored = logs.get(event.stream)?.bySeq.get(event.seq);
    if (stored?.msgId === event.msgId && stored.subject === event.subject) continue;
    lost.push(
      stored
        ? {
            event,
            found: { subject: stored.subject, ...(stored.msgId ? { msgId: stored.msgId } : {}) },
          }
        : { event },
    );
  }
  return lost;
}
