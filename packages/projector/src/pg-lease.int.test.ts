import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgLease } from "./pg-lease.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());

describe("pg lease", () => {
  it("pg lease - one owner at a time; renewed by its holder; free again once released", async () => {
    const a = pgLease(t.db, "lease-one", "a", 10_000);
    const b = pgLease(t.db, "lease-one", "b", 10_000);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true);
    await b.release(); // not b's: nothing happens
    expect(await b.acquire()).toBe(false);
    await a.release();
    expect(await b.acquire()).toBe(true);
  });

  it("pg lease - an expired lease is taken over", async () => {
    const a = pgLease(t.db, "lease-two", "a", 50);
    const b = pgLease(t.db, "lease-two", "b", 10_000);
    expect(await a.acquire()).toBe(true);
    await new Promise((r) => setTimeout(r, 120));
    expect(await b.acquire()).toBe(true);
    expect(await a.acquire()).toBe(false);
  });
});
