export { batches } from "./batches.ts";
export { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from "./checkpoints.ts";
export { CheckpointConflictError, isCheckpointConflict } from "./errors.ts";
export type { ProjectorOptions, ProjectorState } from "./projector.ts";
export { consumerName, Projector } from "./projector.ts";
export type { RejectedMessage } from "./dead-letters.ts";
export type { ProjectionTarget, TargetBatch } from "./projection-target.ts";
