import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { streamName } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main, modes } from "./ingest.ts";

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-ingest-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("ingest benchmark", () => {
  it("ingest benchmark - a tiny run writes every mode with a rate and removes its streams", async () => {
    const { namespace, rates } = await main({
      events: 500,
      window: 64,
      rounds: 1,
      natsUrl,
      resultsDir: dir,
      print: false,
    });
    const json = JSON.parse(await readFile(join(dir, "ingest.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    expect(json.records.map((r: Record<string, unknown>) => r.mode)).toEqual([...modes]);
    for (const record of json.records as Record<string, number>[]) {
      expect(record["events/s"], String(record.mode)).toBeGreaterThan(0);
      expect(record.events).toBe(500);
    }
    expect(json.records[0]["vs raw js.publish"]).toBe(1);
    expect(Object.values(rates).every((r) => r > 0)).toBe(true);
    expect(await readFile(join(dir, "ingest.md"), "utf8")).toMatch(/\| sdk publishBatch +\|/);

    const nc = await connect({ servers: natsUrl });
    try {
      const jsm = await jetstreamManager(nc);
      const names = [];
      for await (const s of jsm.streams.list()) names.push(s.config.name);
      expect(names).not.toContain(streamName(namespace, "telemetry"));
    } finally {
      await nc.close();
    }
  });
});
