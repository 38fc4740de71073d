import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamKinds, streamName } from "@uaip/events";
import { connectNats, jetStreamHandles, loadConfig } from "@uaip/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main } from "./history.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-history-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("history benchmark", () => {
  it("history benchmark - a tiny run measures every step, restores without drift and cleans up", async () => {
    const { namespace } = await main({ events: 3_000, devices: 50, resultsDir: dir, print: false });

    const json = JSON.parse(await readFile(join(dir, "history.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    const steps = json.records.map((r: Record<string, unknown>) => r.step);
    for (const step of [
      "load (core publish, acks counted)",
      "raw ordered-consumer read",
      "replay export to NDJSON file",
      "backup (snapshot every stream)",
      "restore streams",
      "restore total (streams + rebuild + verify)",
    ])
      expect(steps).toContain(step);
    for (const r of json.records as Record<string, unknown>[]) {
      expect(r["events/s"], String(r.step)).toBeGreaterThan(0);
      if (String(r.step).startsWith("verify")) expect(r.note).toBe("drift 0");
    }
    const exported = json.records.filter(
      (r: Record<string, unknown>) => r.step === "replay export to NDJSON file",
    );
    expect(exported.reduce((n: number, r: Record<string, number>) => n + (r.events ?? 0), 0)).toBe(
      3_000,
    );
    expect(json.records.at(-1).note).toBe("ok");

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
