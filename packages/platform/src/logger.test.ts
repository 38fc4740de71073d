import { Writable } from "node:stream";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loggerOptions } from "./logger.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino(loggerOptions("info", "test"), stream), lines };
}

const spanContext = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spanId: "b7ad6b7169203331",
  traceFlags: 1,
};

describe("logger", () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    context.disable();
  });

  it("logger - a line written inside a span carries its trace and span ids", () => {
    const { logger, lines } = capture();
    const span = trace.wrapSpanContext(spanContext);
    context.with(trace.setSpan(context.active(), span), () => logger.info({ n: 1 }, "inside"));
    logger.info("outside");
    expect(lines[0]).toMatchObject({
      msg: "inside",
      n: 1,
      trace_id: spanContext.traceId,
      span_id: spanContext.spanId,
    });
    expect(Object.keys(lines[0]!).indexOf("trace_id")).toBeGreaterThan(
      Object.keys(lines[0]!).indexOf("n"),
    );
    expect(lines[1]).not.toHaveProperty("trace_id");
    expect(lines[1]).not.toHaveProperty("span_id");
  });

  it("logger - an error is logged as JSON with its cause chain", () => {
    const { logger, lines } = capture();
    const err = new Error("append failed", { cause: new Error("connection refused") });
    logger.error({ err }, "request failed");
    const logged = lines[0]!.err as { message: string; cause?: { message: string } };
    expect(logged.message).toBe("append failed");
    expect(logged.cause?.message).toBe("connection refused");
  });
});
