import type { MsgHdrs } from "@nats-io/transport-node";
import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  appendSpanAttributes,
  appendSpanName,
  injectTraceContext,
  tracingRegistered,
} from "@uaip/device-protocol";
import type { DeviceEvent } from "@uaip/events";

/**
 * A producer span for one publish (`append uaip.device.*.status`), its context written into
 * the message's headers when it is sampled, ended by the publisher when JetStream acks or
 * refuses the event.
 * Undefined when the application has no tracing on: the hot path then builds nothing.
 */
export function startPublishSpan(
  subject: string,
  event: DeviceEvent,
  h: MsgHdrs,
): Span | undefined {
  if (!tracingRegistered()) return undefined;
  const span = trace.getTracer("@uaip/device-sdk").startSpan(appendSpanName(subject), {
    kind: SpanKind.PRODUCER,
    attributes: appendSpanAttributes(subject, event),
  });
  // An unsampled publish goes without trace headers: nothing downstream would record it, and
  // the hot path saves formatting and sending them.
  if (span.isRecording()) injectTraceContext(h, trace.setSpan(context.active(), span));
  return span;
}

/** Ends a publish's span: stored (at `seq`), or refused with `err`. */
export function endPublishSpan(span: Span, outcome: { seq?: number; error?: Error }): void {
  if (outcome.error) {
    span.recordException(outcome.error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.message });
  } else if (outcome.seq !== undefined) span.setAttribute("uaip.stream.sequence", outcome.seq);
  span.end();
}
