import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamKinds, streamName } from "@uaip/events";
import { connectNats, jetStreamHandles, loadConfig } from "@uaip/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main } from "./e2e.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-e2e-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("e2e benchmark", () => {
  it("e2e benchmark - a tiny run measures both loads into their projections and cleans up", async () => {
    const { namespace } = await main({
      devices: 20,
      rate: 400,
      statusRates: [200],
      seconds: 2,
      resultsDir: dir,
      print: false,
    });

    const json = JSON.parse(await readFile(join(dir, "e2e.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    const records = json.records as Record<string, string | number>[];
    const fleet = records.find(
      (r) => r.load === "simulated fleet" && r.projection === "telemetry",
    )!;
    const status = records.find((r) => r.load === "status changes")!;
    expect(fleet.events).toBeGreaterThan(400);
    expect(fleet["published ev/s"]).toBeGreaterThan(300);
    expect(status.projection).toBe("devices");
    expect(status.events).toBeGreaterThanOrEqual(360);
    for (const r of [fleet, status]) {
      expect(r["applied ev/s"], String(r.load)).toBeGreaterThan(0);
      expect(r["lag p50 ms"], String(r.load)).toBeGreaterThan(0);
      expect(r["lag p99 ms"]).toBeGreaterThanOrEqual(r["lag p50 ms"] as number);
    }
    expect(json.meta.fleet.errors).toEqual({});
    expect(json.meta.statusLoadErrors).toBe(0);

    const nc = await connectNats(loadConfig(process.env).nats, "bench-smoke");
    try {
      const { jsm } = await jetStreamHandles(nc);
      for (const kind of StreamKinds)
        await expect(jsm.streams.info(streamName(namespace, kind))).rejects.toThrow();
    } finally {
      await nc.close();
    }
  }, 120_000);
});
