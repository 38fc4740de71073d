export { prepareDatabase, prepareStreams } from "./prepare-hub.ts";
export { ResourceStack } from "./resource-stack.ts";
export type { HubPart, RunningHub } from "./start-hub.ts";
export { hubParts, startHub } from "./start-hub.ts";
export { workerId } from "./worker-id.ts";
