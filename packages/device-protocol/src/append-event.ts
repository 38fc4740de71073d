import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { DeviceEvent, Subjects } from "@uaip/events";
import { hubMsgIds } from "./hub-msg-id.ts";
import { appendSpanAttributes, appendSpanName, traceHeaders } from "./nats-trace-headers.ts";

// Looked up per use, not once: a provider registered later (or again, in tests and the
// benchmark) is the one that records.
const tracer = () => trace.getTracer("@uaip/device-protocol");

/** Where the hub appends: its connection (which keys the cached secret), JetStream, the namespace's subjects. */
export interface AppendTarget {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly subjects: Subjects;
}

export interface AppendOptions {
  /** `Nats-Expected-Last-Subject-Sequence`: the append fails (10071) unless the subject's last sequence is this. */
  readonly expectLastSubjectSequence?: number;
  readonly timeoutMs?: number;
}

/** Thrown when appendEvent is given an event a device produced: the hub appends only its own. */
export class NotAHubEventError extends Error {
  override readonly name = "NotAHubEventError";
  constructor(readonly eventId: string) {
    super(`event ${eventId} has source "device": the hub appends only operator and hub events`);
  }
}

/**
 * Appends an event the hub writes (an operator's or its own) to its stream, on its origin's
 * subject (`….operator` or `….hub`, which no device may publish on), with a msg id derived
 * from its id and the hub's secret (see hub-msg-id.ts): a retry by any hub process is
 * stored once, and nothing a device publishes can be taken for it. Traced: a producer span
 * (`append uaip.device.*.status`) whose W3C context rides in the message's headers, so the
 * projectors link their batch to it.
 *
 * @example
 * const ack = await appendEvent({ nc, js, subjects: subjects(ns) }, createEvent("command.expired", id, { commandId }, { source: "hub" }));
 */
export async function appendEvent(
  to: AppendTarget,
  event: DeviceEvent,
  opts: AppendOptions = {},
): Promise<PubAck> {
  if (event.source === "device") throw new NotAHubEventError(event.id);
  const msgId = await hubMsgIds(to.nc, to.js, to.subjects.namespace);
  const subject = to.subjects.forEvent(event);
  return tracer().startActiveSpan(
    appendSpanName(subject),
    {
      kind: SpanKind.PRODUCER,
      attributes: appendSpanAttributes(subject, event),
    },
    async (span) => {
      try {
        const h = traceHeaders();
        const ack = await to.js.publish(subject, JSON.stringify(event), {
          msgID: msgId(event.id),
          ...(h ? { headers: h } : {}),
          ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
          ...(opts.expectLastSubjectSequence !== undefined
            ? { expect: { lastSubjectSequence: opts.expectLastSubjectSequence } }
            : {}),
        });
        span.setAttributes({ "uaip.stream": ack.stream, "uaip.stream.sequence": ack.seq });
        if (ack.duplicate) span.setAttribute("uaip.duplicate", true);
        return ack;
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** JetStream's "wrong last sequence": an `expect` on the subject did not hold. */
export const WrongLastSequence = 10071;

/** The JetStream API error code of `err`, if it is one. */
export function jetStreamErrorCode(err: unknown): number | undefined {
  const e = err as { name?: string; code?: unknown } | null;
  return e?.name === "JetStreamApiError" && typeof e.code === "number" ? e.code : undefined;
}
