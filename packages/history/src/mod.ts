export type { BackupFile, Manifest, ManifestStream } from "./backup-manifest.ts";
export {
  MANIFEST_FILE,
  ManifestSchema,
  manifestChecksum,
  sealManifest,
} from "./backup-manifest.ts";
export { backupName, parseBackupName } from "./backup-name.ts";
export type { RetentionPolicy } from "./backup-retention.ts";
export { pruneBackups } from "./backup-retention.ts";
export type { BackupDeps, BackupOptions, BackupReport } from "./create-backup.ts";
export { createBackup } from "./create-backup.ts";
export { csvColumns, csvField, csvFormat } from "./csv-format.ts";
export type { DeviceMatcher } from "./device-glob.ts";
export { deviceMatcher } from "./device-glob.ts";
export {
  isReplayQueryError,
  isRestoreRefused,
  isSnapshotTransferError,
  ReplayQueryError,
  RestoreRefusedError,
  SnapshotTransferError,
} from "./errors.ts";
export { EventsPageDefault, EventsPageMax, EventsQuerySchema } from "./events-query.ts";
export type { EventsRouteDeps } from "./events-route.ts";
export { apiFieldNames, eventsRoute } from "./events-route.ts";
export type { ExportReport } from "./export-records.ts";
export { exportRecords } from "./export-records.ts";
export { fileSha256 } from "./file-sha256.ts";
export type { FleetAt } from "./fleet-at.ts";
export { fleetAt } from "./fleet-at.ts";
export type { BackupInspection } from "./inspect-backup.ts";
export { inspectBackup } from "./inspect-backup.ts";
export type { LogDeps } from "./log-deps.ts";
export { ndjsonFormat } from "./ndjson-format.ts";
export type { Replay, ReplayOptions } from "./open-replay.ts";
export { openReplay, streamInfoOr400 } from "./open-replay.ts";
export { pgDumpVersion } from "./pg-dump.ts";
export type { RestorePlan, RestorePlanStream } from "./plan-restore.ts";
export { planRestore } from "./plan-restore.ts";
export type { RecordFormat } from "./record-format.ts";
export type {
  QueryFieldNames,
  ReplayPlan,
  ReplayQuery,
  ReplayStart,
  StreamExtent,
} from "./replay-plan.ts";
export { cliFieldNames, planReplay, replayStreamKind } from "./replay-plan.ts";
export { replayProblem } from "./replay-problem.ts";
export type { DeadLetterInfo, ReplayRecord } from "./replay-record.ts";
export { subjectFacts, toReplayRecord } from "./replay-record.ts";
export type {
  RebuiltProjectionReport,
  RestoreDeps,
  RestoredStreamReport,
  RestoreProgress,
  RestoreReport,
} from "./restore-backup.ts";
export { restoreBackup } from "./restore-backup.ts";
export type { RestoredStream, RestoreStreamOptions } from "./restore-stream.ts";
export { restoreStream } from "./restore-stream.ts";
export type { SnapshotOptions, SnapshotResult } from "./snapshot-stream.ts";
export { snapshotStream } from "./snapshot-stream.ts";
export { parseTimeSpec } from "./time-spec.ts";
