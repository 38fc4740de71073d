export { batches } from "./batches.ts";
export {
  advanceCheckpoint,
  ensureCheckpoint,
  readCheckpoint,
  readStreamId,
  recordStreamId,
} from "./checkpoints.ts";
export { isTransient } from "./errors.ts";
export { consumerName } from "./open-consumer.ts";
export type { LeaseOptions } from "./pg-lease.ts";
export { pgLease } from "./pg-lease.ts";
export type { PostgresTargetOptions } from "./postgres-target.ts";
export { inSchema, postgresTarget } from "./postgres-target.ts";
export type { ProjectionStatus, StatusSource } from "./projection-status.ts";
export { projectionStatus } from "./projection-status.ts";
export { Projector } from "./projector.ts";
export type { ProjectorOptions, ProjectorState } from "./projector-options.ts";
export type { RebuildProgress, RebuildReport } from "./rebuild.ts";
export { rebuildProjection } from "./rebuild.ts";
export type { ShadowDeps } from "./shadow.ts";
export { LogIncompleteError } from "./shadow.ts";
export type { ProjectorsDeps, ProjectorsSettings, RunningProjectors } from "./start-projectors.ts";
export { startProjectors } from "./start-projectors.ts";
export type { CheckpointFault } from "./stream-identity.ts";
export { checkpointFault, streamIdentity } from "./stream-identity.ts";
export type { TableDrift, VerifyReport } from "./verify.ts";
export { verifyProjection } from "./verify.ts";
