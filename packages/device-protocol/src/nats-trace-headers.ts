import { headers, type MsgHdrs } from "@nats-io/transport-node";
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  ProxyTracerProvider,
  propagation,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";
import type { DeviceEvent } from "@uaip/events";

const setter: TextMapSetter<MsgHdrs> = {
  set: (h, key, value) => h.set(key, value),
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  get: (h, key) => h?.get(key) || undefined,
  keys: (h) => (h ? [...h.keys()] : []),
};

/**
 * Writes the W3C trace context of `ctx` (`traceparent`, `tracestate`) into NATS headers, so
 * whoever reads the message (a projector, a device) continues the trace. Writes nothing
 * when no SDK's propagator is registered or no span is active.
 *
 * @example
 * const h = headers();
 * injectTraceContext(h); // h.get("traceparent") === "00-<trace id>-<span id>-01"
 */
export function injectTraceContext(h: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, h, setter);
}

/**
 * New NATS headers holding the active span's trace context, or undefined when no span is
 * active (tracing off): a message then goes without a headers object at all.
 *
 * @example
 * const h = traceHeaders();
 * await nc.request(subject, body, { timeout, ...(h ? { headers: h } : {}) });
 */
export function traceHeaders(): MsgHdrs | undefined {
  const span = trace.getActiveSpan();
  if (!span || !isSpanContextValid(span.spanContext())) return undefined;
  const h = headers();
  injectTraceContext(h);
  return h;
}

/**
 * The context a message's headers carry (its `traceparent` as the remote parent), on top of
 * `base`; `base` itself when they carry none.
 *
 * @example
 * const parent = extractTraceContext(msg.headers);
 * tracer.startActiveSpan("handle command", {}, parent, (span) => …);
 */
export function extractTraceContext(
  h: MsgHdrs | undefined,
  base: Context = context.active(),
): Context {
  return propagation.extract(base, h, getter);
}

/**
 * The context of a stored `traceparent` (an event's, as decoded from its headers) as the
 * remote parent, on top of the active context; the active context when there is none.
 *
 * @example
 * context.with(traceContextOf(recorded.traceparent), () => deliver(command));
 */
export function traceContextOf(traceparent: string | undefined): Context {
  const base = context.active();
  return traceparent ? propagation.extract(base, { traceparent }) : base;
}

/**
 * Whether a tracer provider is registered in this process (the application started an
 * OpenTelemetry SDK). A hot path asks this before building a span, so with tracing off it
 * costs a global lookup and no allocation.
 */
export function tracingRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return (
    !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer("probe") !== undefined
  );
}

/**
 * A span name for an append that groups by event, not by device: the subject with its
 * device id (and a command's id) as `*` (`append uaip.device.*.status`,
 * `append uaip.command.*.*.completed`).
 */
export function appendSpanName(subject: string): string {
  const tokens = subject.split(".");
  if (tokens.length > 2) tokens[2] = "*";
  if (tokens[1] === "command" && tokens.length > 3) tokens[3] = "*";
  return `append ${tokens.join(".")}`;
}

/** What an append's span says of the event: the same for the hub's appends and a device's. */
export function appendSpanAttributes(
  subject: string,
  event: Pick<DeviceEvent, "type" | "id" | "deviceId">,
): Attributes {
  return {
    "messaging.system": "nats",
    "messaging.destination.name": subject,
    "uaip.event.type": event.type,
    "uaip.event.id": event.id,
    "uaip.device.id": event.deviceId,
  };
}
