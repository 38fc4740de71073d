import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import {
  decodeEvent,
  type RawStoredMessage,
  type RecordedEvent,
  type Rejection,
  type Subjects,
} from "@uaip/events";

/** One stored message as read back, with what decoding made of it. */
export interface LoggedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly event?: RecordedEvent;
  readonly rejection?: Rejection;
}

/** Every message of one stream, by sequence. */
export interface StreamLog {
  readonly stream: string;
  readonly lastSeq: number;
  readonly bySeq: ReadonlyMap<number, LoggedMessage>;
}

const READ_TIMEOUT_MS = 60_000;

/**
 * Reads a whole stream back (an ordered consumer from its first message to the last
 * sequence it had when called) and decodes every message, as the projections would.
 *
 * @example
 * const log = await readStreamLog(js, jsm, "CHAOS_DEVICES", subjects("chaos"));
 * log.bySeq.get(7)?.msgId; // the Nats-Msg-Id it was stored under
 */
export async function readStreamLog(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  s: Subjects,
): Promise<StreamLog> {
  const info = await jsm.streams.info(stream);
  const lastSeq = info.state.last_seq;
  const bySeq = new Map<number, LoggedMessage>();
  if (info.state.messages === 0) return { stream, lastSeq, bySeq };
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: 1_000 });
  const deadline = setTimeout(() => messages.stop(), READ_TIMEOUT_MS);
  // A hand-driven iterator: leaving a `for await` would wait on the consumer's cleanup.
  const iterator = messages[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const m = next.value;
      const raw: RawStoredMessage = {
        stream,
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        storedAt: new Date(Math.floor(m.info.timestampNanos / 1e6)),
        header: (name) => m.headers?.get(name),
      };
      const decoded = decodeEvent(raw, s);
      bySeq.set(m.seq, {
        seq: m.seq,
        subject: m.subject,
        msgId: m.headers?.get("Nats-Msg-Id") || undefined,
        ...(decoded.ok ? { event: decoded.value } : { rejection: decoded.rejection }),
      });
      if (m.seq >= lastSeq || m.info.pending === 0) break;
    }
  } finally {
    clearTimeout(deadline);
    // nats.js settles close() only once the iterator is pulled again: do not wait for ever.
    await Promise.race([messages.close().catch(() => {}), new Promise((r) => setTimeout(r, 250))]);
    await consumer.delete().catch(() => {});
  }
  return { stream, lastSeq, bySeq };
}
