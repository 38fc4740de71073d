import type { JsMsg } from "@nats-io/jetstream";
import type { RawStoredMessage } from "@uaip/events";

/** A JetStream message as the event decoder reads it. */
export function rawMessage(m: JsMsg, stream: string): RawStoredMessage {
  return {
    stream,
    seq: m.seq,
    subject: m.subject,
    data: m.data,
    storedAt: new Date(Math.floor(m.info.timestampNanos / 1e6)),
    header: (name: string) => m.headers?.get(name),
  };
}
