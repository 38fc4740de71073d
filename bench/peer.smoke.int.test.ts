import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@uaip/platform";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peerFacts } from "./lib/peer-facts.ts";
import { columns, main } from "./peer.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-peer-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("peer benchmark", () => {
  it("peer benchmark - the same facts for both: a registration per device, then rounds of status changes", () => {
    const facts = peerFacts(3, 2);
    expect(facts.map((f) => `${f.kind}:${f.deviceId}`)).toEqual([
      "registered:peer-000000",
      "registered:peer-000001",
      "registered:peer-000002",
      "status:peer-000000",
      "status:peer-000001",
      "status:peer-000002",
      "status:peer-000000",
      "status:peer-000001",
      "status:peer-000002",
    ]);
  });

  it("peer benchmark - a tiny run builds equal read models in Emmett and the hub, and drops Emmett's databases", async () => {
    const report = await main({
      devices: 40,
      statusPerDevice: 2,
      concurrency: [1, 4],
      resultsDir: dir,
      print: false,
    });
    expect(report.events).toBe(120);
    expect(report.emmett.map((e) => e.concurrency)).toEqual([1, 4]);
    for (const e of report.emmett) {
      expect(e.differences).toBe(0);
      expect(e.ratio).toBeGreaterThan(0);
    }

    const json = JSON.parse(await readFile(join(dir, "peer.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    expect(json.records.map((r: Record<string, unknown>) => r.system)).toEqual([
      "UAIP Hub",
      "UAIP Hub, projection only",
      "Emmett 0.42 (PostgreSQL)",
      "Emmett 0.42 (PostgreSQL)",
    ]);
    for (const r of json.records as Record<string, number>[]) {
      expect(r["devices in read model"]).toBe(40);
      expect(r["events/s"]).toBeGreaterThan(0);
    }
    expect(typeof json.meta.ratioVsFastestEmmett).toBe("number");

    const admin = new URL(loadConfig(process.env).databaseUrl);
    admin.pathname = "/postgres";
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    try {
      const { rows } = await client.query(
        "SELECT datname FROM pg_database WHERE datname = ANY($1)",
        [report.emmett.map((e) => e.database)],
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  }, 180_000);
});
