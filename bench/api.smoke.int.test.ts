import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main } from "./api.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-api-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("api benchmark", () => {
  it("api benchmark - a tiny run drives every scenario without an error and writes its results", async () => {
    const rows = await main({
      devices: 150,
      connections: 2,
      duration: 1,
      warmup: 0,
      resultsDir: dir,
      print: false,
    });
    expect(rows.map((r) => r.scenario)).toEqual([
      "bare Hono route (ceiling)",
      "bare route + one Redis HGETALL (floor of a cache read)",
      "GET /devices/{id} (Redis hit)",
      "GET /devices?status=online&limit=100",
      "POST /devices:batchGet (100 ids)",
    ]);
    for (const r of rows) {
      expect(r.requestsPerSecond, r.scenario).toBeGreaterThan(0);
      expect(r.non2xx, r.scenario).toBe(0);
      expect(r.errors, r.scenario).toBe(0);
    }
    const json = JSON.parse(await readFile(join(dir, "api.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    expect(json.meta).toMatchObject({ devices: 150, cacheMisses: 0 });
    expect(json.meta.cacheHits).toBeGreaterThan(0);
    expect(await readFile(join(dir, "api.md"), "utf8")).toContain("| bare Hono route (ceiling)");
  });
});
