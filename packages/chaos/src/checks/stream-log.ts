import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  type RecordedEvent,
  type Rejection,
  StreamKinds,
  type Subjects,
  streamName,
} from "@uaip/events";
import { readLog } from "@uaip/log-reader";

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
 * Reads a whole stream back (readLog from its first message to the last sequence it had
 * when called) and decodes every message, as the projections would. After a minute it stops
 * and returns what it has read.
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
  const kind = StreamKinds.find((k) => streamName(s.namespace, k) === stream);
  if (!kind) throw new Error(`${stream} is not a stream of namespace ${s.namespace}`);
  const timeout = new AbortController();
  const deadline = setTimeout(() => timeout.abort(), READ_TIMEOUT_MS);
  try {
    await using log = await readLog(js, jsm, {
      namespace: s.namespace,
      stream: kind,
      to: { toSeq: lastSeq },
      batch: 1_000,
      signal: timeout.signal,
    });
    for await (const { raw, decoded } of log) {
      bySeq.set(raw.seq, {
        seq: raw.seq,
        subject: raw.subject,
        msgId: raw.header?.("Nats-Msg-Id") || undefined,
        ...(decoded.ok ? { event: decoded.value } : { rejection: decoded.rejection }),
      });
    }
  } finally {
    clearTimeout(deadline);
  }
  return { stream, lastSeq, bySeq };
}
