import { cacheKeys, readDevices } from "@uaip/projections";
import { clearNamespace, deviceRow } from "@uaip/projections/testing";
import { countRoundTrips, createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deviceCache } from "./device-cache.ts";
import { readSnapshots } from "./read-snapshots.ts";

let t: TestHub;

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());
beforeEach(() => clearNamespace(t.redis, t.namespace));

describe("read snapshots", () => {
  it("read snapshots - snapshots, checkpoint and replay mark come back in one round trip", async () => {
    const keys = cacheKeys(t.namespace);
    const ids = Array.from({ length: 100 }, (_, i) => `s-${i}`);
    await deviceCache(t.redis, t.namespace).cacheDevices(
      ids.slice(0, 60).map((id, i) => deviceRow(id, { version: i + 1 })),
    );
    await t.redis.set(keys.checkpoint, "1234567890123");
    await t.redis.set(keys.replayingUntil, "1234567890999");

    await readSnapshots(t.redis, t.namespace, ["warm-up"]); // the first use loads the script
    using trips = countRoundTrips(t.redis);
    const read = await readSnapshots(t.redis, t.namespace, [...ids, "nobody"]);
    expect(trips.count).toBe(1);
    expect(read.position).toBe(1_234_567_890_123);
    expect(read.replayingUntil).toBe(1_234_567_890_999);
    expect(read.rows).toEqual(await readDevices(t.redis, t.namespace, ids));
    expect(read.rows.size).toBe(60);
  });

  it("read snapshots - an empty Redis reads as no checkpoint, no mark, no rows", async () => {
    expect(await readSnapshots(t.redis, t.namespace, ["a"])).toEqual({
      rows: new Map(),
      position: undefined,
      replayingUntil: undefined,
    });
  });

  it("read snapshots - a key of the wrong type is an error, not a miss", async () => {
    await t.redis.set(cacheKeys(t.namespace).device("a"), "not a hash");
    await expect(readSnapshots(t.redis, t.namespace, ["a"])).rejects.toThrow(/WRONGTYPE/);
  });
});
