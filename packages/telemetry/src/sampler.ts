import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-node";
import type { TracingConfig } from "@uaip/platform";

/**
 * The SDK sampler `OTEL_TRACES_SAMPLER` names, with `OTEL_TRACES_SAMPLER_ARG` as the ratio.
 * Parent-based ones follow an incoming `traceparent`'s decision and apply the named rule
 * only to traces that start here.
 *
 * @example
 * createSampler({ sampler: "parentbased_traceidratio", samplerRatio: 0.1 }); // 10% of new traces
 */
export function createSampler(config: Pick<TracingConfig, "sampler" | "samplerRatio">): Sampler {
  switch (config.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(config.samplerRatio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.samplerRatio) });
    default: {
      const never: never = config.sampler;
      throw new Error(`unknown sampler ${String(never)}`);
    }
  }
}
