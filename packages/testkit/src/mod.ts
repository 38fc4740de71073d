export type { CapturedLogs } from "./captured-logs.ts";
export { capturedLogs } from "./captured-logs.ts";
export { publishAll, sampleEvents } from "./sample-events.ts";
export type { TestHub } from "./test-hub.ts";
export { createTestHub, waitFor } from "./test-hub.ts";
