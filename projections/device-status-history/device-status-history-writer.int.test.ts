import { postgresWriterSpec, testHubPerFile } from "@uaip/testkit";
import { describe } from "vitest";
import { deviceHistory } from "../testing/histories.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { foldStatusHistory } from "./device-status-history-fold.ts";
import { deviceStatusHistoryProjection } from "./device-status-history-projection.ts";
import { fromTable } from "./device-status-history-writer.ts";

const hub = testHubPerFile();

const spec = postgresWriterSpec(
  () => hub().db,
  deviceStatusHistoryProjection,
  async (db) => {
    const rows = await db.selectFrom("device_status_history").selectAll().execute();
    return new Map(rows.map((r) => [Number(r.seq), fromTable(r)]));
  },
);

describe("device status history writer", () => {
  writerContract({
    area: "device status history writer",
    spec,
    history: deviceHistory,
    fold: (events) => foldStatusHistory(events),
    replayable: true,
  });
});
