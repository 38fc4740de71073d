import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type StreamInfo,
} from "@nats-io/jetstream";
import { type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { streamName, subjects } from "@uaip/events";
import { type LogEnd, type LogRead, type LogStart, readLog } from "@uaip/log-reader";
import { ReplayQueryError } from "./errors.ts";
import type { LogDeps } from "./log-deps.ts";
import {
  cliFieldNames,
  planReplay,
  type QueryFieldNames,
  type ReplayPlan,
  type ReplayQuery,
  type ReplayStart,
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
 * Opens a replay of the log with readLog (an ordered consumer, one subject filter); what
 * the subject cannot express is filtered here. Records come as the caller
 * pulls them, a batch at a time, so memory stays flat over any range. Without `follow` the
 * replay ends at the stream's end as it was when the replay opened. One span (`replay
 * devices`) from opening to the last record, with the counts read and kept.
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
  const span = trace.getTracer("@uaip/history").startSpan(`replay ${kind}`, {
    attributes: { "uaip.stream": streamName(deps.namespace, kind) },
  });
  try {
    const info = await streamInfoOr400(deps, streamName(deps.namespace, kind), names.stream);
    const plan = planReplay(
      query,
      deps.namespace,
      { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq },
      names,
    );
    const log = await readLog(deps.js, deps.jsm, {
      namespace: deps.namespace,
      stream: kind,
      filter: plan.filterSubject,
      from: logStart(plan.start),
      to: logEnd(plan, info.state.last_seq),
      batch: opts.batch ?? 512,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const total = Math.min(log.total, plan.limit ?? Number.POSITIVE_INFINITY);
    span.setAttributes({
      "uaip.replay.filter": plan.filterSubject,
      "uaip.replay.total": total,
      "uaip.replay.follow": plan.follow,
    });
    return { plan, total, records: readRecords(log, plan, deps.namespace, span) };
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    span.end();
    throw err;
  }
}

function logStart(start: ReplayStart): LogStart | undefined {
  switch (start.deliver_policy) {
    case DeliverPolicy.All:
      return undefined;
    case DeliverPolicy.StartSequence:
      return { afterSeq: start.opt_start_seq - 1 };
    case DeliverPolicy.StartTime:
      return { since: new Date(start.opt_start_time) };
    default: {
      const unknownStart: never = start;
      throw new Error(`unknown start ${JSON.stringify(unknownStart)}`);
    }
  }
}

/**
 * Without `follow` a replay ends at the stream's end as it was, or before at `toSeq`; with
 * it, at `toSeq` (which may be in the future) or never.
 */
function logEnd(plan: ReplayPlan, lastSeq: number): LogEnd {
  if (plan.follow) return plan.toSeq !== undefined ? { toSeq: plan.toSeq } : "follow";
  return plan.toSeq !== undefined ? { toSeq: Math.min(plan.toSeq, lastSeq) } : "end";
}

async function* readRecords(
  log: LogRead,
  plan: ReplayPlan,
  namespace: string,
  span: Span,
): AsyncGenerator<ReplayRecord> {
  const s = subjects(namespace);
  let count = 0;
  let read = 0;
  try {
    for await (const { raw, decoded } of log) {
      read++;
      if (plan.until && raw.storedAt > plan.until) return;
      const wanted =
        (!plan.since || raw.storedAt >= plan.since) &&
        plan.matches(subjectFacts(raw, plan.kind, s));
      if (!wanted) continue;
      yield toReplayRecord(raw, plan.kind, s, decoded);
      count++;
      if (plan.limit !== undefined && count >= plan.limit) return;
    }
  } finally {
    span.setAttributes({ "uaip.replay.read": read, "uaip.replay.records": count });
    span.end();
    await log.close();
  }
}
