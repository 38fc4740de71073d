import type { KV } from "@nats-io/kv";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KvLease, leaseBucketName, openLeaseBucket } from "./kv-lease.ts";

let t: TestHub;
let bucket: KV;

beforeAll(async () => {
  t = await createTestHub();
  bucket = await openLeaseBucket(t.nc, t.jsm, t.namespace, 1_000);
});
afterAll(async () => {
  await t?.jsm.streams.delete(`KV_${leaseBucketName(t.namespace)}`).catch(() => {});
  await t?.close();
});

describe("kv lease", () => {
  it("kv lease - one owner at a time; a release hands it over at once", async () => {
    const a = new KvLease(bucket, "job-1", "a");
    const b = new KvLease(bucket, "job-1", "b");
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // a renewal
    expect([a.held, b.held]).toEqual([true, false]);
    await a.release();
    expect(a.held).toBe(false);
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
  });

  it("kv lease - a holder that stops renewing loses it after the TTL (the server's clock)", async () => {
    const a = new KvLease(bucket, "job-2", "a");
    const b = new KvLease(bucket, "job-2", "b");
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    await waitFor(() => b.acquire(), 5_000, "the lease to expire");
    expect(await a.acquire()).toBe(false);
  });
});
