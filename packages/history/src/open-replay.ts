import {
  type Consumer,
  JetStreamApiCodes,
  JetStreamApiError,
  type JsMsg,
  type StreamInfo,
} from "@nats-io/jetstream";
import { type RawStoredMessage, type StreamKind, streamName, subjects } from "@uaip/events";
import { closeWithin } from "./close-within.ts";
import { ReplayQueryError } from "./errors.ts";
import type { LogDeps } from "./log-deps.ts";
import {
  cliFieldNames,
  planReplay,
  type QueryFieldNames,
  type ReplayPlan,
  type ReplayQuery,
  replayStreamKind,
} from "./replay-plan.ts";
import { type ReplayRecord, subjectFacts, toReplayRecord } from "./replay-record.ts";

export interface ReplayOptions {
  /** How option names read in errors (CLI flags by default). */
  readonly names?: QueryFieldNames;
  /** Ends a `follow` (or any) replay: the iterator finishes after the record in hand. */
  readonly signal?: AbortSignal;
  /** Messages the client pulls at a time; at most about twice this many are buffered. */
  readonly batch?: number;
}

/** An opened replay: its plan, how many messages it will read at most, and the records. */
export interface Replay {
  readonly plan: ReplayPlan;
  /**
   * Messages on the filter subject from the start position to the stream's end when the
   * replay opened, capped by `limit`: an upper bound for a progress bar (client-side
   * filters and `--until` may stop it earlier; `--follow` goes past it).
   */
  readonly total: number;
  /** Records in stream order. Iterate once; breaking out closes the consumer. */
  readonly records: AsyncIterable<ReplayRecord>;
}

/** The stream's info, or a ReplayQueryError saying it does not exist. */
export async function streamInfoOr400(
  deps: LogDeps,
  stream: string,
  field: string,
): Promise<StreamInfo> {
  try {
    return await deps.jsm.streams.info(stream);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
      throw new ReplayQueryError(
        field,
        "stream",
        `stream ${stream} does not exist (run \`uaip streams apply\`, or restore a backup)`,
      );
    }
    throw err;
  }
}

/**
 * Opens a replay of the log through an ordered (ephemeral) consumer with one subject
 * filter; what the subject cannot express is filtered here. Records come as the caller
 * pulls them, a batch at a time, so memory stays flat over any range. Without `follow` the
 * replay ends at the stream's end as it was when the replay opened.
 *
 * @example
 * const replay = await openReplay({ js, jsm, namespace: "uaip" }, { device: "thermo-*", since: hoursAgo(6) });
 * for await (const r of replay.records) console.log(r.seq, r.event?.type);
 */
export async function openReplay(
  deps: LogDeps,
  query: ReplayQuery,
  opts: ReplayOptions = {},
): Promise<Replay> {
  const names = opts.names ?? cliFieldNames;
  const kind = replayStreamKind(query, deps.namespace, names);
  const info = await streamInfoOr400(deps, streamName(deps.namespace, kind), names.stream);
  const plan = planReplay(
    query,
    deps.namespace,
    { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq },
    names,
  );
  const consumer = await deps.js.consumers.get(plan.stream, {
    filter_subjects: plan.filterSubject,
    ...plan.start,
  });
  const pending = (await consumer.info(true)).num_pending;
  const total = Math.min(pending, plan.limit ?? Number.POSITIVE_INFINITY);
  return { plan, total, records: readRecords(consumer, plan, kind, deps.namespace, pending, opts) };
}

async function* readRecords(
  consumer: Consumer,
  plan: ReplayPlan,
  kind: StreamKind,
  namespace: string,
  pending: number,
  opts: ReplayOptions,
): AsyncGenerator<ReplayRecord> {
  if ((pending === 0 && !plan.follow) || opts.signal?.aborted) {
    await consumer.delete().catch(() => {});
    return;
  }
  const s = subjects(namespace);
  const messages = await consumer.consume({ max_messages: opts.batch ?? 512 });
  const stop = () => messages.stop();
  opts.signal?.addEventListener("abort", stop, { once: true });
  const iterator = messages[Symbol.asyncIterator]();
  let count = 0;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const m: JsMsg = next.value;
      if (plan.toSeq !== undefined && m.seq > plan.toSeq) return;
      const raw = rawMessage(m, plan.stream);
      if (plan.until && raw.storedAt > plan.until) return;
      const wanted =
        (!plan.since || raw.storedAt >= plan.since) && plan.matches(subjectFacts(raw, kind, s));
      if (wanted) {
        yield toReplayRecord(raw, kind, s);
        count++;
        if (plan.limit !== undefined && count >= plan.limit) return;
      }
      if (plan.toSeq !== undefined && m.seq >= plan.toSeq) return;
      if (!plan.follow && m.info.pending === 0) return;
      if (opts.signal?.aborted) return;
    }
  } finally {
    opts.signal?.removeEventListener("abort", stop);
    await closeWithin(messages);
    await consumer.delete().catch(() => {});
  }
}

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
