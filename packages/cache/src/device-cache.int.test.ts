import { clearNamespace } from "@uaip/projections/testing";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DeviceCache, deviceCache } from "./device-cache.ts";
import {
  deviceCacheContract,
  ids,
  roundTripsPerOperation,
  six,
  warmUp,
} from "./testing/device-cache-contract.ts";

// The one-by-one baseline the benchmark compares with is held to the same contract in
// bench/lib/device-cache-one-by-one.int.test.ts.

let t: TestHub;
let batch: DeviceCache;

beforeAll(async () => {
  t = await createTestHub();
  batch = deviceCache(t.redis, t.namespace);
});
afterAll(() => t.close());
beforeEach(() => clearNamespace(t.redis, t.namespace));

describe("device cache (batch)", () => {
  deviceCacheContract(
    () => t,
    () => batch,
  );
});

describe("device cache", () => {
  it("device cache - each batch operation on 100 ids is one round trip", async () => {
    const list = ids(100);
    // Warm up: the first use of each script on a connection sends its source (still one trip).
    await warmUp(batch, list);
    expect(await roundTripsPerOperation(t.redis, batch, list, 10)).toEqual(six(1));
  });
});
