import type { JetStreamClient } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import type { Subjects } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import type { RejectedMessage } from "@uaip/projections";
import type { Transaction } from "kysely";

const MAX_PAYLOAD_CHARS = 16_384;
const textDecoder = new TextDecoder();

/**
 * PostgreSQL text cannot hold U+0000, so a payload carrying a raw NUL byte would make the
 * batch's transaction fail for ever and stall the projection. The column is for people to
 * read; the original bytes stay in the DEADLETTER stream.
 */
function storableText(text: string): string {
  return text.replaceAll("\u0000", "\\u0000");
}

/** Records rejected events in `rejected_events` within the batch's transaction (replays are no-ops). */
export async function recordRejections(
  tx: Transaction<Database>,
  projection: string,
  rejected: readonly RejectedMessage[],
): Promise<void> {
  if (rejected.length === 0) return;
  await tx
    .insertInto("rejected_events")
    .values(
      rejected.map((r) => ({
        projection,
        stream: r.stream,
        seq: r.seq,
        subject: r.subject,
        reason: r.rejection.reason,
        message: r.rejection.message,
        issues: JSON.stringify(r.rejection.issues),
        payload: storableText(textDecoder.decode(r.data).slice(0, MAX_PAYLOAD_CHARS)),
      })),
    )
    .onConflict((oc) => oc.columns(["projection", "stream", "seq"]).doNothing())
    .execute();
}

/**
 * Publishes rejected events to the DEADLETTER stream with their original bytes and the
 * reason in headers. The message id makes a replayed batch store each one once.
 */
export async function publishDeadLetters(
  js: JetStreamClient,
  subjects: Subjects,
  projection: string,
  rejected: readonly RejectedMessage[],
): Promise<void> {
  await Promise.all(
    rejected.map((r) => {
      const h = headers();
      h.set("Uaip-Projection", projection);
      h.set("Uaip-Original-Stream", r.stream);
      h.set("Uaip-Original-Seq", String(r.seq));
      h.set("Uaip-Original-Subject", r.subject);
      h.set("Uaip-Reason", r.rejection.reason);
      h.set("Uaip-Error", r.rejection.message.slice(0, 1024).replace(/[\r\n]+/g, " "));
      return js.publish(subjects.deadLetter(projection), r.data, {
        msgID: `${projection}:${r.stream}:${r.seq}`,
        headers: h,
      });
    }),
  );
}
