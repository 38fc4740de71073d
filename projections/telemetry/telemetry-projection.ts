import type { Projection } from "../projection.ts";
import { telemetryCarryOver } from "./telemetry-carry-over.ts";
import { writeTelemetry } from "./telemetry-writer.ts";

/** Per device, metric and minute: count, min, max, sum, last; and the latest reading. */
export const telemetryProjection: Projection = {
  name: "telemetry",
  stream: "telemetry",
  tables: ["telemetry_minutes", "telemetry_latest"],
  apply: writeTelemetry,
  carryOver: telemetryCarryOver,
};
