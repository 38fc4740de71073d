export type { MigrationReport, MigrationState } from "./migrator.ts";
export { migrateDown, migrateUp, migrationStatus } from "./migrator.ts";
export type {
  ApiKeysTable,
  CommandsTable,
  Database,
  DeviceStatusHistoryTable,
  DevicesTable,
  FleetStatsTable,
  ProjectionCheckpointsTable,
  RejectedEventsTable,
  TelemetryLatestTable,
  TelemetryMinutesTable,
} from "./schema.ts";
