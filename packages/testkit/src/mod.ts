export type { CapturedLogs } from "./captured-logs.ts";
export { capturedLogs } from "./captured-logs.ts";
export { namespaceStreams } from "./namespace-streams.ts";
export { publishAll, sampleEvents } from "./sample-events.ts";
export type { TestHub } from "./test-hub.ts";
export { createTestHub } from "./test-hub.ts";
export type { NotYet } from "./wait-for.ts";
export { waitFor } from "./wait-for.ts";
