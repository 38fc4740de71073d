export type { DispatchTestHub } from "./dispatch-test-hub.ts";
export { startDispatchTestHub, testSettings } from "./dispatch-test-hub.ts";
export type { FakeClock } from "./fake-clock.ts";
export { fakeClock } from "./fake-clock.ts";
