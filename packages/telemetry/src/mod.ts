export { createSampler } from "./sampler.ts";
export type { Tracing, TracingOptions } from "./start-tracing.ts";
export { startTracing } from "./start-tracing.ts";
