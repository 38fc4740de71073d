import { at, deviceRow } from "@uaip/projections/testing";
import type { TestHub } from "@uaip/testkit";
import { countRoundTrips } from "@uaip/testkit";
import { expect, it } from "vitest";
import type { DeviceCache } from "../device-cache.ts";
import type { DeviceStatusEntry } from "../device-status-entry.ts";

// What any DeviceCache must do (the batch one, and the benchmark's one-by-one baseline in
// bench/lib): shared so both are held to the same assertions.

/** `n` device ids, `d-<from>` on. */
export const ids = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `d-${from + i}`);
export const rowsFor = (list: string[], version = 1) =>
  list.map((id, i) =>
    deviceRow(id, {
      status: i % 2 ? "offline" : "online",
      type: i % 3 ? "smart-bulb" : "sensor",
      location: i % 4 ? "hall" : null,
      version,
    }),
  );
export const statusesFor = (list: string[], version: number): DeviceStatusEntry[] =>
  list.map((id) => ({
    id,
    status: "error",
    statusReason: "bench",
    statusChangedAt: at(5),
    version,
  }));

/**
 * Declares the spec's tests of a DeviceCache in the calling describe; `hub` and `cache` are
 * read when the tests run (after beforeAll), and the namespace is expected empty at each.
 */
export function deviceCacheContract(hub: () => TestHub, cache: () => DeviceCache): void {
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
    using trips = countRoundTrips(hub().redis);
    expect(await cache().cacheDevices([])).toBe(0);
    expect(await cache().getDevices([])).toEqual(new Map());
    expect(await cache().cacheStatuses([])).toBe(0);
    expect(await cache().getStatuses([])).toEqual(new Map());
    expect(await cache().invalidate([])).toBe(0);
    expect(await cache().cached([])).toEqual(new Set());
    expect(trips.count).toBe(0);
  });
}

/**
 * Round trips each of the six operations of `cache` makes on `list` (writes at `version`),
 * counted on `redis`. Warm the scripts up first: the first use on a connection sends the
 * source (still one trip, but the count should not depend on test order).
 */
export async function roundTripsPerOperation(
  redis: TestHub["redis"],
  cache: DeviceCache,
  list: string[],
  version: number,
): Promise<Record<keyof DeviceCache, number>> {
  const ops: Record<keyof DeviceCache, () => Promise<unknown>> = {
    cacheDevices: () => cache.cacheDevices(rowsFor(list, version)),
    getDevices: () => cache.getDevices(list),
    cacheStatuses: () => cache.cacheStatuses(statusesFor(list, version + 1)),
    getStatuses: () => cache.getStatuses(list),
    cached: () => cache.cached(list),
    invalidate: () => cache.invalidate(list),
  };
  using trips = countRoundTrips(redis);
  const out = {} as Record<keyof DeviceCache, number>;
  for (const [name, op] of Object.entries(ops) as [keyof DeviceCache, () => Promise<unknown>][]) {
    trips.reset();
    await op();
    out[name] = trips.count;
  }
  return out;
}

/** The same count for each of the six operations. */
export const six = (n: number): Record<keyof DeviceCache, number> => ({
  cacheDevices: n,
  getDevices: n,
  cacheStatuses: n,
  getStatuses: n,
  cached: n,
  invalidate: n,
});

/** Loads the three write scripts on the connection, so later counts are steady. */
export async function warmUp(cache: DeviceCache, list: string[]): Promise<void> {
  await cache.cacheDevices(rowsFor(list));
  await cache.cacheStatuses(statusesFor(list, 2));
  await cache.invalidate(["none"]);
}
