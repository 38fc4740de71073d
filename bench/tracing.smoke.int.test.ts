import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main, samplings } from "./tracing.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-tracing-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("tracing benchmark", () => {
  it("tracing benchmark - a tiny run measures both workloads in every sampling mode and writes its results", async () => {
    const rows = await main({
      devices: 50,
      connections: 2,
      duration: 1,
      events: 500,
      rounds: 1,
      resultsDir: dir,
      print: false,
    });
    expect(rows.map((r) => [r.workload, r.sampling])).toEqual([
      ...samplings.map((s) => ["GET /devices/{id}", s]),
      ...samplings.map((s) => ["SDK publishBatch", s]),
    ]);
    for (const r of rows) {
      expect(r.rate, `${r.workload} ${r.sampling}`).toBeGreaterThan(0);
      expect(r.non2xx, `${r.workload} ${r.sampling}`).toBe(0);
    }
    const json = JSON.parse(await readFile(join(dir, "tracing.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    expect(json.meta.exportedRequests).toBeGreaterThan(0);
  });
});
