export type { FieldChange, StreamApplyResult } from "./apply-streams.ts";
export { applyStreams, diffStream } from "./apply-streams.ts";
export type { ManagedStreamConfig, StreamOptions } from "./stream-definitions.ts";
export { streamDefinitions } from "./stream-definitions.ts";
export type { ConsumerStatus, StreamStatus } from "./stream-status.ts";
export { streamStatus } from "./stream-status.ts";
