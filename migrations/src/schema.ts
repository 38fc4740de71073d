import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

/** Current state of every device: the `devices` projection. */
export interface DevicesTable {
  id: string;
  name: string;
  type: string;
  capabilities: string[];
  tags: string[];
  location: string | null;
  firmware: string | null;
  metadata: Json<Record<string, unknown>>;
  status: string;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  registered_at: Timestamp | null;
  last_seen_at: Timestamp;
  decommissioned_at: Timestamp | null;
  /** Stream sequence of the last event applied to this row. */
  version: number;
}

export interface DeviceStatusHistoryTable {
  seq: number;
  device_id: string;
  status: string;
  reason: string | null;
  occurred_at: Timestamp;
  stored_at: Timestamp;
}

export interface CommandsTable {
  command_id: string;
  device_id: string;
  name: string;
  params: Json<Record<string, unknown>>;
  state: string;
  attempts: number;
  issued_at: Timestamp;
  expires_at: Timestamp;
  delivered_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  completed_at: Timestamp | null;
  failed_at: Timestamp | null;
  expired_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  result: Json | null;
  error: Json<{ message: string; code?: string }> | null;
  idempotency_key: string | null;
  version: number;
}

export interface TelemetryMinutesTable {
  device_id: string;
  metric: string;
  minute: Timestamp;
  count: number;
  min: number;
  max: number;
  sum: number;
  last: number;
  last_at: Timestamp;
}

export interface TelemetryLatestTable {
  device_id: string;
  metric: string;
  value: number;
  at: Timestamp;
  seq: number;
}

export interface FleetStatsTable {
  dimension: "status" | "type";
  key: string;
  count: number;
}

export interface ProjectionCheckpointsTable {
  name: string;
  /** Last stream sequence applied; 0 before the first event. */
  position: number;
  owner: string | null;
  lease_until: Timestamp | null;
  updated_at: Timestamp;
  /** The stream instance `position` counts in (`<name>@<created>`); null before the first run. */
  stream_id: string | null;
}

export interface RejectedEventsTable {
  id: Generated<number>;
  projection: string;
  stream: string;
  seq: number;
  subject: string;
  reason: string;
  message: string;
  issues: Json;
  payload: string;
  rejected_at: Generated<Timestamp>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  hash: string;
  scopes: string[];
  created_at: Generated<Timestamp>;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

/** The read models' schema, as the migrations leave it. */
export interface Database {
  devices: DevicesTable;
  device_status_history: DeviceStatusHistoryTable;
  commands: CommandsTable;
  telemetry_minutes: TelemetryMinutesTable;
  telemetry_latest: TelemetryLatestTable;
  fleet_stats: FleetStatsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  rejected_events: RejectedEventsTable;
  api_keys: ApiKeysTable;
}
