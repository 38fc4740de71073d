import { context, DiagLogLevel, diag, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { Logger, TracingConfig } from "@uaip/platform";
import { createSampler } from "./sampler.ts";

export interface TracingOptions {
  /** `service.name` when `OTEL_SERVICE_NAME` is not set: the process's own name. */
  readonly defaultServiceName: string;
  /** Prints every span on stdout as well (`uaip dev --trace`). */
  readonly console?: boolean;
}

/** A started tracer provider; disposing it flushes the spans still buffered and unregisters it. */
export interface Tracing extends AsyncDisposable {
  /** Whether an SDK was started (false: the API's no-op, nothing to flush). */
  readonly on: boolean;
  /** Sends every finished span now. */
  flush(): Promise<void>;
}

const off: Tracing = { on: false, flush: async () => {}, [Symbol.asyncDispose]: async () => {} };

/**
 * Starts the OpenTelemetry SDK for this process, from its config: spans batched to the
 * OTLP/HTTP collector at `<endpoint>/v1/traces` (JSON), and to the console when asked,
 * sampled as configured; W3C trace context as the propagator; the async-hooks context
 * manager, so a span started in an `await` chain is the parent of what runs inside it.
 * With no endpoint and no console nothing is started: the libraries' spans stay the API's
 * no-ops. Export failures are logged as warnings, never thrown.
 *
 * @example
 * await using tracing = startTracing(config.tracing, logger, { defaultServiceName: "uaip-hub" });
 */
export function startTracing(
  config: TracingConfig,
  logger: Logger,
  options: TracingOptions,
): Tracing {
  if (!config.endpoint && !options.console) return off;
  const processors: SpanProcessor[] = [];
  if (config.endpoint) {
    const url = `${config.endpoint.replace(/\/+$/, "")}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  if (options.console) processors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
  const serviceName = config.serviceName ?? options.defaultServiceName;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    sampler: createSampler(config),
    spanProcessors: processors,
  });
  const log = logger.child({ component: "tracing" });
  diag.setLogger(
    {
      error: (message, ...args) => log.warn({ args }, message),
      warn: (message, ...args) => log.warn({ args }, message),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.WARN,
  );
  provider.register();
  log.info(
    {
      endpoint: config.endpoint ?? null,
      console: options.console ?? false,
      serviceName,
      sampler: config.sampler,
      ratio: config.samplerRatio,
    },
    "tracing on",
  );
  let stopped = false;
  return {
    on: true,
    flush: () => provider.forceFlush(),
    async [Symbol.asyncDispose]() {
      if (stopped) return;
      stopped = true;
      try {
        await provider.shutdown();
      } catch (err) {
        log.warn({ err }, "tracing: the last spans could not be sent");
      }
      trace.disable();
      context.disable();
      propagation.disable();
      diag.disable();
    },
  };
}
