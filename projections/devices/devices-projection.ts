import type { Projection } from "../projection.ts";
import { devicesWriter, writeDevices } from "./devices-writer.ts";

/** Current state of every device, plus fleet counts by status and type. */
export const devicesProjection: Projection = {
  name: "devices",
  stream: "devices",
  tables: ["devices", "fleet_stats"],
  apply: writeDevices,
  createWriter: () => devicesWriter(),
};
