export { publishAll, sampleEvents } from "./sample-events.ts";
export type { TestHub } from "./test-hub.ts";
export { createTestHub, waitFor } from "./test-hub.ts";
