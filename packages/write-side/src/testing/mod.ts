export type { HttpAnswer, WriteTestHub } from "./write-test-hub.ts";
export { startWriteTestHub } from "./write-test-hub.ts";
