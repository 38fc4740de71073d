import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { columns, main } from "./commands.ts";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-bench-commands-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("command round-trip benchmark", () => {
  it("commands benchmark - a tiny run completes every command and writes its percentiles", async () => {
    const { samplesMs, completed } = await main({
      commands: 20,
      devices: 3,
      concurrency: 4,
      resultsDir: dir,
      print: false,
    });
    expect(completed).toBe(20);
    expect(samplesMs).toHaveLength(20);
    const json = JSON.parse(await readFile(join(dir, "commands.json"), "utf8"));
    expect(json.columns).toEqual(columns);
    const [record] = json.records as Record<string, number>[];
    expect(record?.commands).toBe(20);
    for (const column of ["p50 ms", "p99 ms", "commands/s"])
      expect(record?.[column]).toBeGreaterThan(0);
  });
});
