export { CheckpointConflictError, isCheckpointConflict } from "./checkpoint-conflict-error.ts";
export type { CommandRow, CommandState } from "./commands/command-row.ts";
export { commandIdOf, evolveCommand, foldCommands, isFinal } from "./commands/commands-fold.ts";
export { commandsProjection } from "./commands/commands-projection.ts";
export { fromTable as commandFromTable, loadCommands } from "./commands/commands-writer.ts";
export {
  foldStatusHistory,
  statusChangeOf,
} from "./device-status-history/device-status-history-fold.ts";
export { deviceStatusHistoryProjection } from "./device-status-history/device-status-history-projection.ts";
export { fromTable as statusChangeFromTable } from "./device-status-history/device-status-history-writer.ts";
export type { StatusChangeRow } from "./device-status-history/status-change-row.ts";
export {
  decommissionedRefusal,
  refusesAfterDecommissioning,
} from "./devices/after-decommissioning.ts";
export type { DeviceRow } from "./devices/device-row.ts";
export { evolveDevice, foldDevices } from "./devices/devices-fold.ts";
export { devicesProjection } from "./devices/devices-projection.ts";
export {
  devicesWriter,
  fromTable as deviceFromTable,
  loadDevices,
  toRecord as deviceToRecord,
} from "./devices/devices-writer.ts";
export { fleetCounts } from "./fleet-stats/fleet-stats-fold.ts";
export type { ApplyBatch, BatchWriter, CarryOver, LogHead, Projection } from "./projection.ts";
export { UnfoldableEventError } from "./projection.ts";
export type { ProjectionTarget, RejectedMessage, TargetBatch } from "./projection-target.ts";
export type { CacheKeys } from "./redis/cache-keys.ts";
export { cacheKeys } from "./redis/cache-keys.ts";
export type { DeviceHash } from "./redis/device-hash.ts";
export { deviceFromHash, deviceToHash, encodeRow } from "./redis/device-hash.ts";
export { pipelined } from "./redis/pipelined.ts";
export { readDevices } from "./redis/read-devices.ts";
export type { RedisFleet, RedisModel } from "./redis/redis-fold.ts";
export { foldRedis, redisFleetOf } from "./redis/redis-fold.ts";
export type { RedisProjectionOptions, StreamInfoSource } from "./redis/redis-projection.ts";
export { redisProjectionTarget } from "./redis/redis-projection.ts";
export type { LuaScript } from "./redis/redis-scripts.ts";
export { luaScript } from "./redis/redis-scripts.ts";
export type { ScriptClient } from "./redis/run-script.ts";
export { runScript } from "./redis/run-script.ts";
export { scanSuffixes } from "./redis/scan-keys.ts";
export type { RowCache } from "./row-cache.ts";
export { rowCache } from "./row-cache.ts";
export { telemetryCarryOver } from "./telemetry/telemetry-carry-over.ts";
export type { Reading } from "./telemetry/telemetry-fold.ts";
export {
  emptyTelemetry,
  evolveLatest,
  evolveMinute,
  foldTelemetry,
  latestKey,
  minuteKey,
  minuteOf,
  readingsOf,
} from "./telemetry/telemetry-fold.ts";
export { telemetryProjection } from "./telemetry/telemetry-projection.ts";
export type {
  TelemetryLatestRow,
  TelemetryMinuteRow,
  TelemetryRows,
} from "./telemetry/telemetry-rows.ts";
export { latestFromTable, minuteFromTable } from "./telemetry/telemetry-writer.ts";

import { commandsProjection } from "./commands/commands-projection.ts";
import { deviceStatusHistoryProjection } from "./device-status-history/device-status-history-projection.ts";
import { devicesProjection } from "./devices/devices-projection.ts";
import type { Projection } from "./projection.ts";
import { telemetryProjection } from "./telemetry/telemetry-projection.ts";

/** Every PostgreSQL projection the hub runs, by name (the Redis one: `redisProjectionTarget`). */
export const projections: readonly Projection[] = [
  devicesProjection,
  deviceStatusHistoryProjection,
  commandsProjection,
  telemetryProjection,
];
