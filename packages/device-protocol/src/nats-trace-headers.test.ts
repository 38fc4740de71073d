import { headers } from "@nats-io/transport-node";
import { trace } from "@opentelemetry/api";
import { recordSpans } from "@uaip/telemetry/testing";
import { describe, expect, it } from "vitest";
import {
  appendSpanName,
  extractTraceContext,
  injectTraceContext,
  tracingRegistered,
} from "./nats-trace-headers.ts";

describe("nats trace headers", () => {
  it("trace headers - with no SDK nothing is written and tracing reads as off", () => {
    const h = headers();
    injectTraceContext(h);
    expect([...h.keys()]).toEqual([]);
    expect(tracingRegistered()).toBe(false);
  });

  it("trace headers - a span's context goes into NATS headers and comes back out as the parent", async () => {
    await using spans = recordSpans();
    expect(tracingRegistered()).toBe(true);
    const tracer = trace.getTracer("test");
    const h = headers();
    const sent = tracer.startActiveSpan("send", (span) => {
      injectTraceContext(h);
      span.end();
      return span.spanContext();
    });
    expect(h.get("traceparent")).toBe(`00-${sent.traceId}-${sent.spanId}-01`);
    const parent = extractTraceContext(h);
    tracer.startSpan("receive", {}, parent).end();
    const [received] = spans.named("receive");
    expect(received?.spanContext().traceId).toBe(sent.traceId);
    expect(received?.parentSpanContext).toMatchObject({ spanId: sent.spanId, isRemote: true });
  });

  it("trace headers - a message without trace context leaves the base context as it is", async () => {
    await using _spans = recordSpans();
    const parent = extractTraceContext(undefined);
    expect(trace.getSpanContext(parent)).toBeUndefined();
  });

  it("trace headers - an append's span name hides the device id", () => {
    expect(appendSpanName("uaip.device.thermo-42.status")).toBe("append uaip.device.*.status");
    expect(appendSpanName("uaip.device.d1.registered.operator")).toBe(
      "append uaip.device.*.registered.operator",
    );
    expect(appendSpanName("uaip.command.d1.c-9.completed.hub")).toBe(
      "append uaip.command.*.*.completed.hub",
    );
    expect(appendSpanName("uaip.telemetry.d1")).toBe("append uaip.telemetry.*");
  });
});
