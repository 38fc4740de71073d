import { cacheKeys } from "@uaip/projections";
import {
  at,
  clearNamespace,
  deviceRow,
  expectedFleetState,
  fleetState,
} from "@uaip/projections/testing";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DeviceCache, deviceCache } from "./device-cache.ts";

let t: TestHub;
let cache: DeviceCache;

beforeAll(async () => {
  t = await createTestHub();
  cache = deviceCache(t.redis, t.namespace);
});
afterAll(() => t.close());
beforeEach(() => clearNamespace(t.redis, t.namespace));

const state = () => fleetState(t.redis, t.namespace);

describe("guarded writes", () => {
  it("guarded writes - an older version is ignored and a newer one replaces the snapshot", async () => {
    const v5 = deviceRow("b1", { name: "five", version: 5 });
    expect(await cache.cacheDevices([v5])).toBe(1);
    expect(await cache.cacheDevices([deviceRow("b1", { name: "three", version: 3 })])).toBe(0);
    expect((await cache.getDevices(["b1"])).get("b1")).toEqual(v5);

    const v9 = deviceRow("b1", { name: "nine", location: null, version: 9 });
    expect(await cache.cacheDevices([v9])).toBe(1);
    expect((await cache.getDevices(["b1"])).get("b1")).toEqual(v9);
  });

  it("guarded writes - replaying the same version changes nothing and counts once", async () => {
    const rows = [
      deviceRow("b1", { version: 2 }),
      deviceRow("b2", { status: "offline", version: 3 }),
    ];
    await cache.cacheDevices(rows);
    expect(await cache.cacheDevices(rows)).toBe(0);
    expect(await cache.cacheDevices([...rows].reverse())).toBe(0);
    expect(await state()).toEqual(expectedFleetState(rows));
    expect(await state()).toEqual({
      online: ["b1"],
      types: { "smart-bulb": ["b1", "b2"] },
      counts: { "status:online": 1, "status:offline": 1, "type:smart-bulb": 2 },
    });
  });

  it("guarded writes - the newest row of a batch wins whatever its place in the batch", async () => {
    await cache.cacheDevices([
      deviceRow("b1", { status: "error", version: 7 }),
      deviceRow("b1", { status: "online", version: 4 }),
    ]);
    expect((await cache.getStatuses(["b1"])).get("b1")?.status).toBe("error");
    expect(await state()).toEqual(expectedFleetState([deviceRow("b1", { status: "error" })]));
  });

  it("guarded writes - sets and counters follow status and type changes", async () => {
    await cache.cacheDevices([deviceRow("b1", { version: 1 }), deviceRow("b2", { version: 2 })]);
    await cache.cacheDevices([deviceRow("b1", { status: "offline", version: 3 })]);
    // A re-registration under another type moves the device to the other type set.
    await cache.cacheDevices([
      deviceRow("b2", { type: "sensor", status: "maintenance", version: 4 }),
    ]);
    const rows = [
      deviceRow("b1", { status: "offline" }),
      deviceRow("b2", { type: "sensor", status: "maintenance" }),
    ];
    expect(await state()).toEqual(expectedFleetState(rows));
    expect(await state()).toEqual({
      online: [],
      types: { "smart-bulb": ["b1"], sensor: ["b2"] },
      counts: {
        "status:offline": 1,
        "status:maintenance": 1,
        "type:smart-bulb": 1,
        "type:sensor": 1,
      },
    });
  });

  it("guarded writes - a decommissioned device leaves the sets and counters, and stays out", async () => {
    await cache.cacheDevices([deviceRow("b1", { version: 1 }), deviceRow("b2", { version: 2 })]);
    await cache.cacheDevices([deviceRow("b1", { decommissionedAt: at(9), version: 3 })]);
    expect(await state()).toEqual({
      online: ["b2"],
      types: { "smart-bulb": ["b2"] },
      counts: { "status:online": 1, "type:smart-bulb": 1 },
    });
    // A status after the decommission (the fold still records it) keeps it out of the counts.
    await cache.cacheStatuses([
      { id: "b1", status: "online", statusReason: null, statusChangedAt: at(10), version: 4 },
    ]);
    await cache.cacheDevices([deviceRow("b1", { decommissionedAt: at(9), version: 3 })]);
    expect((await state()).counts).toEqual({ "status:online": 1, "type:smart-bulb": 1 });
    expect((await cache.getDevices(["b1"])).get("b1")?.decommissionedAt).toBe(at(9));
  });

  it("guarded writes - cacheStatuses moves cached devices, skips older entries and uncached ids", async () => {
    await cache.cacheDevices([deviceRow("b1", { version: 5 }), deviceRow("b2", { version: 5 })]);
    const written = await cache.cacheStatuses([
      { id: "b1", status: "error", statusReason: "overheated", statusChangedAt: at(7), version: 6 },
      { id: "b2", status: "offline", statusReason: null, statusChangedAt: at(2), version: 4 },
      { id: "nope", status: "online", statusReason: null, statusChangedAt: at(2), version: 9 },
    ]);
    expect(written).toBe(1);
    expect(await cache.getStatuses(["b1", "b2", "nope"])).toEqual(
      new Map([
        [
          "b1",
          {
            id: "b1",
            status: "error",
            statusReason: "overheated",
            statusChangedAt: at(7),
            version: 6,
          },
        ],
        [
          "b2",
          { id: "b2", status: "online", statusReason: null, statusChangedAt: at(1), version: 5 },
        ],
      ]),
    );
    expect(await cache.cached(["nope"])).toEqual(new Set());
    // Replayed, and then cleared of its reason by a newer status: counts move once each time.
    await cache.cacheStatuses([
      { id: "b1", status: "error", statusReason: "overheated", statusChangedAt: at(7), version: 6 },
    ]);
    await cache.cacheStatuses([
      { id: "b1", status: "online", statusReason: null, statusChangedAt: at(8), version: 8 },
    ]);
    const b1 = (await cache.getDevices(["b1"])).get("b1");
    expect(b1).toEqual(deviceRow("b1", { statusChangedAt: at(8), version: 8 }));
    expect(await state()).toEqual(expectedFleetState([deviceRow("b1"), deviceRow("b2")]));
  });

  it("guarded writes - invalidate drops snapshots, memberships and counts and answers how many existed", async () => {
    await cache.cacheDevices([
      deviceRow("b1"),
      deviceRow("b2", { status: "offline" }),
      deviceRow("b3", { type: "sensor" }),
    ]);
    expect(await cache.invalidate(["b1", "b3", "missing", "b1"])).toBe(2);
    expect(await state()).toEqual(expectedFleetState([deviceRow("b2", { status: "offline" })]));
    expect(await t.redis.exists(cacheKeys(t.namespace).type("sensor"))).toBe(0);
    expect(await cache.cached(["b1", "b2", "b3"])).toEqual(new Set(["b2"]));
  });
});
