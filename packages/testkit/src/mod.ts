export type { CapturedLogs } from "./captured-logs.ts";
export { capturedLogs } from "./captured-logs.ts";
export { namespaceStreams } from "./namespace-streams.ts";
export type { PostgresWriter } from "./postgres-writer-spec.ts";
export { postgresWriterSpec } from "./postgres-writer-spec.ts";
export type {
  FoldCase,
  FoldSpec,
  WriterCase,
  WriterSpec,
  WriterSpecOptions,
} from "./projection-spec.ts";
export { foldSpec, writerSpec } from "./projection-spec.ts";
export type { RoundTripCounter } from "./round-trip-counter.ts";
export { countRoundTrips } from "./round-trip-counter.ts";
export { publishAll, sampleEvents } from "./sample-events.ts";
export type { TestHub } from "./test-hub.ts";
export { createTestHub } from "./test-hub.ts";
export { testHubPerFile } from "./test-hub-per-file.ts";
export type { NotYet } from "./wait-for.ts";
export { waitFor } from "./wait-for.ts";
