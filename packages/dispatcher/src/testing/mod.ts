export type { DispatchTestHub } from "./dispatch-test-hub.ts";
export { startDispatchTestHub, testSettings } from "./dispatch-test-hub.ts";
