import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRedis } from "@uaip/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main } from "./cache.ts";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-cache-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("cache benchmark", () => {
  it("cache benchmark - a tiny run writes all six operations in both modes and cleans up", async () => {
    const { namespace, results } = await main({
      ids: 5,
      rounds: 3,
      warmup: 1,
      redisUrl,
      resultsDir: dir,
      print: false,
    });

    const json = JSON.parse(await readFile(join(dir, "cache.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    expect(json.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
    const operations = [
      "cacheDevices",
      "getDevices",
      "cacheStatuses",
      "getStatuses",
      "cached",
      "invalidate",
    ];
    expect(new Set(json.records.map((r: Record<string, unknown>) => r.operation))).toEqual(
      new Set(operations),
    );
    expect(json.records).toHaveLength(12);
    for (const record of json.records as Record<string, unknown>[]) {
      for (const column of columns.slice(2)) {
        expect(record[column], `${record.operation} ${record.mode} ${column}`).toBeGreaterThan(0);
      }
      // Batch calls are one round trip each, one-by-one calls one per id.
      expect(record["round trips/call"]).toBe(record.mode === "batch" ? 1 : 5);
    }
    expect(await readFile(join(dir, "cache.md"), "utf8")).toMatch(/\| cacheDevices +\| batch/);

    // Nothing left behind in Redis.
    expect(results).toHaveLength(12);
    const redis = createRedis(redisUrl);
    await redis.connect();
    try {
      expect(namespace).toMatch(/^bench_cache_/);
      expect(await redis.keys(`${namespace}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
