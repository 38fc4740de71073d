import { postgresWriterSpec, testHubPerFile } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { telemetryHistory } from "../testing/histories.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { foldTelemetry, latestKey, minuteKey } from "./telemetry-fold.ts";
import { telemetryProjection } from "./telemetry-projection.ts";
import { latestFromTable, minuteFromTable } from "./telemetry-writer.ts";

const hub = testHubPerFile();

const spec = postgresWriterSpec(
  () => hub().db,
  telemetryProjection,
  async (db) => {
    const minutes = await db.selectFrom("telemetry_minutes").selectAll().execute();
    const latest = await db.selectFrom("telemetry_latest").selectAll().execute();
    return {
      minutes: new Map(minutes.map((r) => [minuteKey(minuteFromTable(r)), minuteFromTable(r)])),
      latest: new Map(latest.map((r) => latestFromTable(r)).map((r) => [latestKey(r), r])),
    };
  },
);

describe("telemetry writer", () => {
  writerContract({
    area: "telemetry writer",
    spec,
    history: telemetryHistory,
    fold: (events) => {
      const { minutes, latest } = foldTelemetry(events);
      return { minutes, latest };
    },
    // Counts and sums add up: the runtime's checkpoint is what keeps a batch from coming twice.
    replayable: false,
  });

  it("telemetry writer - a replayed batch leaves the latest readings as they were", async () => {
    const { latest } = await spec
      .given(...telemetryHistory)
      .when(...telemetryHistory.slice(0, 10))
      .result();
    expect(latest).toEqual(foldTelemetry(telemetryHistory).latest);
  });
});
