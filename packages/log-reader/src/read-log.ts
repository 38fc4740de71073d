import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type OrderedConsumerOptions,
} from "@nats-io/jetstream";
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

/** Where a read starts. */
export type LogStart =
  | { readonly afterSeq: number }
  | { readonly since: Date }
  /** Only events stored from now on. */
  | "new";

/** Where a read ends: the stream's end as it was when the read opened, a sequence, or never. */
export type LogEnd = "end" | { readonly toSeq: number } | "follow";

export interface ReadLogOptions {
  readonly namespace: string;
  readonly stream: StreamKind;
  /** One subject filter (NATS 2.9 takes one per consumer); default: the whole stream. */
  readonly filter?: string;
  /** Default: the first event the stream holds. */
  readonly from?: LogStart;
  /** Default `"end"`. */
  readonly to?: LogEnd;
  /** Messages pulled at a time: at most about twice this many are held. Default 256. */
  readonly batch?: number;
  /** Ends the read after the entry in hand. */
  readonly signal?: AbortSignal;
  /** Longest closing may take (nats.js may never settle it, see closeWithin). Default 250. */
  readonly closeWithinMs?: number;
}

/** One message of the log, as stored and as decoded. */
export interface LogEntry {
  readonly raw: RawStoredMessage;
  /** The event in its current version, or why it is not one. */
  readonly decoded: DecodeResult;
  /** Messages on the filter after this one when it was delivered. */
  readonly pending: number;
}

/**
 * A read of the log: iterate it once, in stream order; `await using` (or `close()`) ends it,
 * within `closeWithinMs`, whatever state the iteration was left in.
 */
export interface LogRead extends AsyncIterable<LogEntry>, AsyncDisposable {
  /** Messages on the filter from the start to the stream's end when opened (progress bars). */
  readonly total: number;
  close(): Promise<void>;
}

function deliverFrom(from: LogStart | undefined): Partial<OrderedConsumerOptions> {
  if (from === undefined) return { deliver_policy: DeliverPolicy.All };
  if (from === "new") return { deliver_policy: DeliverPolicy.New };
  if ("since" in from)
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.since.toISOString() };
  return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from.afterSeq + 1 };
}

/**
 * Reads one stream of the log through an ordered (ephemeral) consumer: nothing to clean up
 * on the server, memory flat over any range (the client pulls a batch at a time as the
 * caller iterates), each message decoded with the event catalog. The one reader behind
 * replay, export, point-in-time folds, time travel, the live feed, shadow builds and
 * verification.
 *
 * @example
 * await using log = await readLog(js, jsm, { namespace: "uaip", stream: "devices", filter: "uaip.device.thermo-42.>" });
 * for await (const { decoded } of log) if (decoded.ok) fold(decoded.value);
 */
export async function readLog(
  js: JetStreamClient,
  jsm: JetStreamManager,
  opts: ReadLogOptions,
): Promise<LogRead> {
  const stream = streamName(opts.namespace, opts.stream);
  const s = subjects(opts.namespace);
  const to = opts.to ?? "end";
  const lastAtOpen = to === "follow" ? 0 : (await jsm.streams.info(stream)).state.last_seq;
  const endSeq = to === "follow" ? Number.POSITIVE_INFINITY : to === "end" ? lastAtOpen : to.toSeq;
  // Whatever is stored later has a sequence past lastAtOpen: when the end is not past it,
  // nothing left on the filter means nothing more is coming.
  const endsWithinStored = endSeq <= lastAtOpen;
  const consumer = await js.consumers.get(stream, {
    ...(opts.filter ? { filter_subjects: opts.filter } : {}),
    ...deliverFrom(opts.from),
  });
  const total = (await consumer.info(true)).num_pending;
  const closeMs = opts.closeWithinMs ?? 250;
  let messages: ConsumerMessages | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (messages) await closeWithin(messages, closeMs);
    await consumer.delete().catch(() => {});
  };

  async function* entries(): AsyncGenerator<LogEntry> {
    // Nothing to read before the end: do not wait for a message that is not coming.
    if (closed || opts.signal?.aborted || (total === 0 && endsWithinStored)) return;
    messages = await consumer.consume({ max_messages: opts.batch ?? 256 });
    const stop = () => void messages?.stop();
    opts.signal?.addEventListener("abort", stop, { once: true });
    try {
      for await (const m of messages) {
        if (m.seq > endSeq) return;
        const raw = rawMessage(m, stream);
        yield { raw, decoded: decodeEvent(raw, s), pending: m.info.pending };
        if (m.seq >= endSeq || (m.info.pending === 0 && endsWithinStored)) return;
        if (opts.signal?.aborted) return;
      }
    } finally {
      opts.signal?.removeEventListener("abort", stop);
      await close();
    }
  }

  return {
    total,
    close,
    [Symbol.asyncIterator]: () => entries(),
    [Symbol.asyncDispose]: close,
  };
}
