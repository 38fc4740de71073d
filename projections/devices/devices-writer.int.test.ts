import { postgresWriterSpec, testHubPerFile } from "@uaip/testkit";
import { describe } from "vitest";
import { deviceHistory } from "../testing/histories.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { foldDevices } from "./devices-fold.ts";
import { devicesProjection } from "./devices-projection.ts";
import { fromTable } from "./devices-writer.ts";

// The devices writer against a real PostgreSQL leaves exactly the rows its pure fold gives
// (its fleet counts: ../fleet-stats/fleet-stats-writer.int.test.ts).

const hub = testHubPerFile();

const spec = postgresWriterSpec(
  () => hub().db,
  devicesProjection,
  async (db) => {
    const rows = await db.selectFrom("devices").selectAll().execute();
    return new Map(rows.map((r) => [r.id, fromTable(r)]));
  },
);

describe("devices writer", () => {
  writerContract({
    area: "devices writer",
    spec,
    history: deviceHistory,
    fold: (events) => foldDevices(events),
    replayable: true,
  });
});
