import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { type StreamKind, streamName } from "@uaip/events";
import { type ConsumerEntry, type LogEntry, readConsumer, readLog } from "@uaip/log-reader";
import { ConsumerTakenError } from "./errors.ts";

/** An entry a projector reads: live ones (a durable consumer's) are acked after commit. */
export type ProjectorEntry = LogEntry | ConsumerEntry;

/** The log as a projector reads it, from just after its checkpoint; close() ends it. */
export interface ProjectorRead extends AsyncIterable<ProjectorEntry> {
  close(): Promise<void>;
}

export interface OpenConsumerOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  readonly stream: StreamKind;
  readonly projection: string;
  /** The committed checkpoint: the read starts just after it. */
  readonly position: number;
  readonly batchSize: number;
  /** Live: the projection's durable consumer. Shadow: an ordered consumer, invisible to it. */
  readonly live: boolean;
}

/** Durable consumer name of a projection (per stream, so per namespace already). */
export function consumerName(projection: string): string {
  return `projection-${projection}`;
}

/**
 * Opens the projector's read of its stream. Both kinds pull at most two batches ahead
 * (the client pulls more only as the caller iterates), so memory stays flat however long
 * the backlog, and both decode each message once, in the log reader.
 *
 * @example
 * const read = await openConsumer({ js, jsm, namespace, stream: "devices", projection: "devices", position, batchSize: 500, live: true });
 */
export function openConsumer(o: OpenConsumerOptions): Promise<ProjectorRead> {
  return o.live ? openLive(o) : openShadow(o);
}

async function openShadow(o: OpenConsumerOptions): Promise<ProjectorRead> {
  return readLog(o.js, o.jsm, {
    namespace: o.namespace,
    stream: o.stream,
    ...(o.position > 0 ? { from: { afterSeq: o.position } } : {}),
    // The worker stops at its own `stopAt`; the read only follows the stream.
    to: "follow",
    batch: o.batchSize * 2,
  });
}

/**
 * The checkpoint is the truth and the durable consumer only a cursor, so the consumer is
 * recreated to deliver from just after the checkpoint whenever a worker (re)starts. Its
 * creation stays here rather than in the log reader because all of it (delete and add
 * afresh, AckAll, ack wait, max_ack_pending from the batch size) is the projector's policy;
 * the log reader only reads through a consumer it is given.
 */
async function openLive(o: OpenConsumerOptions): Promise<ProjectorRead> {
  const { jsm } = o;
  const stream = streamName(o.namespace, o.stream);
  const name = consumerName(o.projection);
  try {
    await jsm.consumers.delete(stream, name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound))
      throw err;
  }
  await jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ack_wait: nanos(30_000),
    max_ack_pending: o.batchSize * 4,
    max_deliver: -1,
    ...(o.position > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: o.position + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
  const read = await readConsumer(o.js, {
    namespace: o.namespace,
    stream: o.stream,
    consumer: name,
    batch: o.batchSize * 2,
  });
  return read;
}

/**
 * The consumer is this worker's alone: a gap in delivery sequences means another process
 * pulled from it, so its messages could be missing from our batches. Checked a batch at a
 * time (a loop, not one more iterator layer per message); answers the batch's last one.
 *
 * @throws ConsumerTakenError on a gap.
 */
export function checkDeliveredInOrder(batch: readonly ProjectorEntry[], after: number): number {
  let last = after;
  for (const entry of batch) {
    if (!("deliverySequence" in entry)) continue;
    if (entry.deliverySequence !== last + 1)
      throw new ConsumerTakenError(`delivery ${entry.deliverySequence} after ${last}`);
    last = entry.deliverySequence;
  }
  return last;
}
