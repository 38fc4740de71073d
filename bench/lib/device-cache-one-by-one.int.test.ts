import { type DeviceCache, deviceCache } from "@uaip/cache";
import {
  deviceCacheContract,
  ids,
  roundTripsPerOperation,
  rowsFor,
  six,
  statusesFor,
  warmUp,
} from "@uaip/cache/testing";
import { clearNamespace, fleetState } from "@uaip/projections/testing";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deviceCacheOneByOne } from "./device-cache-one-by-one.ts";

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

describe("device cache (one-by-one)", () => {
  deviceCacheContract(
    () => t,
    () => oneByOne,
  );
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
    await warmUp(batch, list);
    expect(await roundTripsPerOperation(t.redis, batch, list, 10)).toEqual(six(1));
    expect(await roundTripsPerOperation(t.redis, oneByOne, list, 20)).toEqual(six(100));
  });
});
