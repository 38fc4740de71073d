import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProjectionBench } from "./projections.ts";

describe("projections benchmark", () => {
  it("bench - projections runs end to end at tiny sizes and writes its results", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bench-projections-"));
    try {
      const figures = await runProjectionBench({
        events: 2_000,
        devices: 200,
        batch: 100,
        rate: 500,
        lagSeconds: 1,
        backlog: 0,
        resultsDir: dir,
        print: false,
      });
      for (const key of [
        "raw_consume",
        "bare_upsert",
        "devices",
        "device_status_history",
        "telemetry",
        "commands",
        "redis",
        "lag_p50_ms",
        "lag_p99_ms",
      ]) {
        expect(figures[key], key).toBeGreaterThan(0);
      }
      const json = JSON.parse(await readFile(join(dir, "projections.json"), "utf8"));
      expect(json.rows.length).toBe(8);
      expect(json.machine.cpus).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
