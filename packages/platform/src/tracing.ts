import {
  type Attributes,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";

export type { Tracer } from "@opentelemetry/api";

/**
 * The tracer of one hub package, named after it (`@uaip/projector`). Until a process's
 * entry point starts the SDK (`@uaip/telemetry`), the API hands out no-op spans: a library
 * traces at no cost when tracing is off.
 *
 * @example
 * const tracer = packageTracer("@uaip/projector");
 */
export function packageTracer(name: string): Tracer {
  return trace.getTracer(name);
}

export interface SpanOptions {
  readonly attributes?: Attributes;
  readonly links?: Link[];
  /** Defaults to internal; `client` for a call to another service (PostgreSQL, a device). */
  readonly kind?: "internal" | "client" | "server" | "producer" | "consumer";
}

const kinds = {
  internal: SpanKind.INTERNAL,
  client: SpanKind.CLIENT,
  server: SpanKind.SERVER,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
} as const;

/**
 * Runs `fn` inside a new active span (child of the active one), which ends when `fn`
 * settles; a throw marks it an error, records the exception and is rethrown. Log lines
 * written inside carry its ids (see createLogger).
 *
 * @example
 * const rows = await withSpan(tracer, "rebuild devices", { attributes: { "uaip.projection": "devices" } },
 *   async (span) => { const n = await rebuild(); span.setAttribute("uaip.events", n); return n; });
 */
export function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    {
      kind: kinds[options.kind ?? "internal"],
      ...(options.attributes && { attributes: options.attributes }),
      ...(options.links && { links: options.links }),
    },
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        failSpan(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks `span` failed by `err`: status error with its message, and the exception event. */
export function failSpan(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/** The active span's ids as log fields, or undefined outside a span (or with tracing off). */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !trace.isSpanContextValid(ctx)) return undefined;
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}
