import { postgresWriterSpec, testHubPerFile } from "@uaip/testkit";
import { describe } from "vitest";
import { foldDevices } from "../devices/devices-fold.ts";
import { devicesProjection } from "../devices/devices-projection.ts";
import { deviceHistory } from "../testing/histories.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { fleetCounts } from "./fleet-stats-fold.ts";

// The fleet counts, written by the devices projection's batches, against a real PostgreSQL:
// exactly the live devices of a fresh fold, by status and by type.

const hub = testHubPerFile();

const spec = postgresWriterSpec(
  () => hub().db,
  devicesProjection,
  async (db) => {
    const stats = await db.selectFrom("fleet_stats").selectAll().where("count", "<>", 0).execute();
    return new Map(stats.map((s) => [`${s.dimension}:${s.key}`, Number(s.count)]));
  },
);

describe("fleet stats writer", () => {
  writerContract({
    area: "fleet stats writer",
    spec,
    history: deviceHistory,
    fold: (events) => fleetCounts(foldDevices(events).values()),
    replayable: true,
  });
});
