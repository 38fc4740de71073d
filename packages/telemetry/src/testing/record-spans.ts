import { context, propagation, trace } from "@opentelemetry/api";
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-node";

/** Spans recorded in memory by a test; disposing it unregisters the provider. */
export interface RecordedSpans extends AsyncDisposable {
  /** Every span ended so far, in the order they ended. */
  finished(): ReadableSpan[];
  /** The ended spans named `name`. */
  named(name: string): ReadableSpan[];
}

/**
 * Registers a tracer provider that samples everything and keeps ended spans in memory
 * (tests only: unit tests of code that starts spans, with the real SDK and context manager).
 *
 * @example
 * await using spans = recordSpans();
 * await app.request("/x");
 * expect(spans.named("HTTP GET /x")).toHaveLength(1);
 */
export function recordSpans(): RecordedSpans {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider.register();
  return {
    finished: () => exporter.getFinishedSpans(),
    named: (name) => exporter.getFinishedSpans().filter((s) => s.name === name),
    async [Symbol.asyncDispose]() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
