import { countRoundTrips, createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DeviceCache, deviceCache } from "./device-cache.ts";
import { deviceCacheOneByOne } from "./device-cache-one-by-one.ts";
import type { DeviceStatusEntry } from "./device-hash.ts";
import { at, clearNamespace, deviceRow, fleetState } from "./test-fixtures.ts";

let t: TestHub;
let batch: DeviceCache;
let oneByOne: DeviceCache;

beforeAll(async () => {
  t = await createTestHub();
  batch = deviceCache(t.redis, t.namespace);
  oneByOne = deviceCacheOneByOne(t.redis, t.namespace);
});
afterAll(() => t.close());
beforeEach(() => clearNamespace(t.redis, t.namespace));

const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `d-${from + i}`);
const rowsFor = (list: string[], version = 1) =>
  list.map((id, i) =>
    deviceRow(id, {
      status: i % 2 ? "offline" : "online",
      type: i % 3 ? "smart-bulb" : "sensor",
      location: i % 4 ? "hall" : null,
      version,
    }),
  );
const statusesFor = (list: string[], version: number): DeviceStatusEntry[] =>
  list.map((id) => ({
    id,
    status: "error",
    statusReason: "bench",
    statusChangedAt: at(5),
    version,
  }));

describe.each([
  ["batch", () => batch],
  ["one-by-one", () => oneByOne],
])("device cache (%s)", (_, cache) => {
  it("device cache - every operation answers for the hits and leaves the misses out", async () => {
    const hits = rowsFor(ids(6));
    const asked = [...ids(3), "miss-1", ...ids(3, 3), "miss-2"];
    expect(await cache().cacheDevices(hits)).toBe(6);

    const got = await cache().getDevices(asked);
    expect([...got.keys()].sort()).toEqual(ids(6));
    for (const row of hits) expect(got.get(row.id)).toEqual(row);

    expect(await cache().cached(asked)).toEqual(new Set(ids(6)));
    const statuses = await cache().getStatuses(asked);
    expect(statuses.size).toBe(6);
    expect(statuses.get("d-1")).toEqual({
      id: "d-1",
      status: "offline",
      statusReason: null,
      statusChangedAt: at(1),
      version: 1,
    });

    expect(await cache().cacheStatuses(statusesFor(asked, 2))).toBe(6);
    const after = await cache().getStatuses(asked);
    expect([...after.values()].every((s) => s.status === "error" && s.version === 2)).toBe(true);
    expect((await cache().getDevices(["d-0"])).get("d-0")).toEqual({
      ...hits[0],
      status: "error",
      statusReason: "bench",
      statusChangedAt: at(5),
      version: 2,
    });

    expect(await cache().invalidate(["d-0", "miss-1", "d-5"])).toBe(2);
    expect(await cache().cached(asked)).toEqual(new Set(ids(4, 1)));
  });

  it("device cache - empty inputs answer empty without a round trip", async () => {
    using trips = countRoundTrips(t.redis);
    expect(await cache().cacheDevices([])).toBe(0);
    expect(await cache().getDevices([])).toEqual(new Map());
    expect(await cache().cacheStatuses([])).toBe(0);
    expect(await cache().getStatuses([])).toEqual(new Map());
    expect(await cache().invalidate([])).toBe(0);
    expect(await cache().cached([])).toEqual(new Set());
    expect(trips.count).toBe(0);
  });
});

describe("device cache", () => {
  it("device cache - batch and one-by-one leave the same keys behind", async () => {
    const list = ids(20);
    const run = async (cache: DeviceCache) => {
      await clearNamespace(t.redis, t.namespace);
      await cache.cacheDevices(rowsFor(list));
      await cache.cacheStatuses(statusesFor(list.slice(0, 7), 3));
      await cache.invalidate(list.slice(15));
      return {
        fleet: await fleetState(t.redis, t.namespace),
        rows: await cache.getDevices(list),
      };
    };
    expect(await run(batch)).toEqual(await run(oneByOne));
  });

  it("device cache - each batch operation on 100 ids is one round trip, one-by-one is 100", async () => {
    const list = ids(100);
    // Warm up: the first use of each script on a connection sends its source (still one trip).
    await batch.cacheDevices(rowsFor(list));
    await batch.cacheStatuses(statusesFor(list, 2));
    await batch.invalidate(["none"]);

    using trips = countRoundTrips(t.redis);
    const ops = (cache: DeviceCache, version: number) => ({
      cacheDevices: () => cache.cacheDevices(rowsFor(list, version)),
      getDevices: () => cache.getDevices(list),
      cacheStatuses: () => cache.cacheStatuses(statusesFor(list, version + 1)),
      getStatuses: () => cache.getStatuses(list),
      cached: () => cache.cached(list),
      invalidate: () => cache.invalidate(list),
    });
    const roundTrips = async (named: Record<string, () => Promise<unknown>>) => {
      const out: Record<string, number> = {};
      for (const [name, op] of Object.entries(named)) {
        trips.reset();
        await op();
        out[name] = trips.count;
      }
      return out;
    };
    const six = (n: number) => ({
      cacheDevices: n,
      getDevices: n,
      cacheStatuses: n,
      getStatuses: n,
      cached: n,
      invalidate: n,
    });
    expect(await roundTrips(ops(batch, 10))).toEqual(six(1));
    expect(await roundTrips(ops(oneByOne, 20))).toEqual(six(100));
  });
});
