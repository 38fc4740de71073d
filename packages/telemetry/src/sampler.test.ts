import { context, SpanKind, trace } from "@opentelemetry/api";
import { SamplingDecision } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";
import { createSampler } from "./sampler.ts";

const traceId = "0af7651916cd43dd8448eb211c80319c";
const decide = (sampler: ReturnType<typeof createSampler>, parentSampled?: boolean) => {
  const ctx =
    parentSampled === undefined
      ? context.active()
      : trace.setSpanContext(context.active(), {
          traceId,
          spanId: "b7ad6b7169203331",
          traceFlags: parentSampled ? 1 : 0,
          isRemote: true,
        });
  return sampler.shouldSample(ctx, traceId, "span", SpanKind.INTERNAL, {}, []).decision;
};

describe("sampler", () => {
  it("sampler - each standard name builds its SDK sampler with the ratio", () => {
    const names = {
      always_on: "AlwaysOnSampler",
      always_off: "AlwaysOffSampler",
      traceidratio: "TraceIdRatioBased{0.25}",
      parentbased_always_on: "ParentBased{root=AlwaysOnSampler",
      parentbased_always_off: "ParentBased{root=AlwaysOffSampler",
      parentbased_traceidratio: "ParentBased{root=TraceIdRatioBased{0.25}",
    } as const;
    for (const [sampler, shown] of Object.entries(names)) {
      const s = createSampler({ sampler: sampler as keyof typeof names, samplerRatio: 0.25 });
      expect(s.toString()).toContain(shown);
    }
  });

  it("sampler - parent-based ratio follows a sampled parent and applies the ratio to new traces", () => {
    const none = createSampler({ sampler: "parentbased_traceidratio", samplerRatio: 0 });
    expect(decide(none)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(none, true)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    const all = createSampler({ sampler: "parentbased_traceidratio", samplerRatio: 1 });
    expect(decide(all)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(all, false)).toBe(SamplingDecision.NOT_RECORD);
  });
});
