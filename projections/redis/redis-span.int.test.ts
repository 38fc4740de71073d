import { recordSpans } from "@uaip/telemetry/testing";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheKeys } from "./cache-keys.ts";
import { pipelined } from "./pipelined.ts";
import { readDevices } from "./read-devices.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());

describe("redis spans", () => {
  it("redis spans - a pipeline is one span with its size; a failed one is an error", async () => {
    await using spans = recordSpans();
    const keys = cacheKeys(t.namespace);
    await readDevices(t.redis, t.namespace, ["a", "b", "c"]);
    await t.redis.set(keys.checkpoint, "not a hash");
    await expect(pipelined(t.redis, [keys.checkpoint], (p, k) => p.hgetall(k))).rejects.toThrow();
    const pipelines = spans.named("redis pipeline");
    expect(pipelines.map((s) => [s.attributes["db.operation.batch.size"], s.status.code])).toEqual([
      [3, 0],
      [1, 2],
    ]);
    expect(pipelines[0]?.attributes["db.system"]).toBe("redis");
  });
});
