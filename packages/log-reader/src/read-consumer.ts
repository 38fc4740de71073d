import type { ConsumerMessages, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import {
  type DecodeResult,
  decodeEvent,
  type RawStoredMessage,
  type StreamKind,
  streamName,
  subjects,
} from "@uaip/events";
import { closeWithin } from "./close-within.ts";
import { rawMessage } from "./raw-message.ts";
import type { LogEntry } from "./read-log.ts";

export interface ReadConsumerOptions {
  readonly namespace: string;
  readonly stream: StreamKind;
  /**
   * The durable consumer to read through. Its owner creates it (start, ack policy, limits):
   * those are the owner's policy, the read only follows the cursor.
   */
  readonly consumer: string;
  /** Messages pulled at a time: at most about twice this many are held. Default 256. */
  readonly batch?: number;
  /** Longest closing may take (nats.js may never settle it, see closeWithin). Default 250. */
  readonly closeWithinMs?: number;
}

/** A log entry delivered by a durable consumer: it is acked, and counts its deliveries. */
export interface ConsumerEntry extends LogEntry {
  /** The consumer's delivery count at this message: a gap means another client pulled. */
  readonly deliverySequence: number;
  /** Acks the message (under AckAll, every message delivered before it too). */
  ack(): void;
}

/** An entry with its message kept for the ack: a method, not a closure per message. */
class DeliveredEntry implements ConsumerEntry {
  readonly pending: number;
  readonly deliverySequence: number;
  readonly #message: JsMsg;
  constructor(
    readonly raw: RawStoredMessage,
    readonly decoded: DecodeResult,
    message: JsMsg,
  ) {
    this.#message = message;
    this.pending = message.info.pending;
    this.deliverySequence = message.info.deliverySequence;
  }
  ack(): void {
    this.#message.ack();
  }
}

/**
 * A read through a durable consumer: iterate it once; `await using` (or `close()`) ends it
 * within `closeWithinMs` and leaves the consumer on the server for its owner.
 */
export interface ConsumerRead extends AsyncIterable<ConsumerEntry>, AsyncDisposable {
  close(): Promise<void>;
}

/**
 * Reads one stream of the log through an existing durable consumer, for a reader that acks
 * (a projector): entries decoded as readLog decodes them, memory flat (the client pulls a
 * batch at a time as the caller iterates), closed within a bound. The consumer being
 * deleted under the read ends it with an error rather than a wait for ever.
 *
 * @example
 * await using read = await readConsumer(js, { namespace: "uaip", stream: "devices", consumer: "projection-devices" });
 * for await (const entry of read) { apply(entry.decoded); entry.ack(); }
 */
export async function readConsumer(
  js: JetStreamClient,
  opts: ReadConsumerOptions,
): Promise<ConsumerRead> {
  const stream = streamName(opts.namespace, opts.stream);
  const s = subjects(opts.namespace);
  const consumer = await js.consumers.get(stream, opts.consumer);
  const messages: ConsumerMessages = await consumer.consume({
    max_messages: opts.batch ?? 256,
    abort_on_missing_resource: true,
  });
  const closeMs = opts.closeWithinMs ?? 250;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await closeWithin(messages, closeMs);
  };

  // A plain iterator rather than an async generator: this is a projector's hot path, and
  // a generator's extra promises per message showed up as garbage-collection time.
  const entries = (): AsyncIterator<ConsumerEntry> => {
    const it = messages[Symbol.asyncIterator]();
    const end = async (): Promise<IteratorResult<ConsumerEntry>> => {
      await close();
      return { done: true, value: undefined };
    };
    return {
      // One promise per message: the pull's own, mapped (no async wrapper around it).
      next: () =>
        it.next().then(
          (r): IteratorResult<ConsumerEntry> | Promise<IteratorResult<ConsumerEntry>> => {
            if (r.done) return end();
            const raw = rawMessage(r.value, stream);
            return { done: false, value: new DeliveredEntry(raw, decodeEvent(raw, s), r.value) };
          },
          async (err: unknown) => {
            await close();
            throw err;
          },
        ),
      return: end,
    };
  };

  return {
    close,
    [Symbol.asyncIterator]: entries,
    [Symbol.asyncDispose]: close,
  };
}
