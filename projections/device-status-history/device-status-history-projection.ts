import type { Projection } from "../projection.ts";
import { writeStatusHistory } from "./device-status-history-writer.ts";

/** Every status change of every device, queryable by device and time range. */
export const deviceStatusHistoryProjection: Projection = {
  name: "device_status_history",
  stream: "devices",
  tables: ["device_status_history"],
  apply: writeStatusHistory,
};
