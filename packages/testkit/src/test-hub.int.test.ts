import { Kvm } from "@nats-io/kv";
import { createEvent } from "@uaip/events";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHub, type TestHub } from "./test-hub.ts";

// `other` is a second hub on the same services: it stays open, so its connections look at
// what `t` left behind, and its own resources prove that close removes only its namespace.
let other: TestHub;

beforeAll(async () => {
  other = await createTestHub();
});
afterAll(() => other?.close());

async function streamNames(h: TestHub): Promise<string[]> {
  const names: string[] = [];
  for await (const n of h.jsm.streams.names()) names.push(n);
  return names;
}

async function databases(h: TestHub): Promise<string[]> {
  const { rows } = await sql<{ datname: string }>`SELECT datname FROM pg_database`.execute(h.db);
  return rows.map((r) => r.datname);
}

/** What a hub typically makes beyond its event streams: a KV bucket, an extra stream, keys. */
async function makeResources(h: TestHub): Promise<void> {
  const leases = await new Kvm(h.nc).create(`${h.namespace}_leases`, { history: 1 });
  await leases.put("dispatcher", "worker-1");
  await h.jsm.streams.add({
    name: `${h.namespace.toUpperCase()}_EXTRA`,
    subjects: [`${h.namespace}.extra.>`],
  });
  await h.publish(createEvent("device.registered", "kit-1", { name: "Kit", type: "sensor" }));
  await h.redis.set(`${h.namespace}:projection:redis:position`, "1");
  await h.redis.hset(`${h.namespace}:device:kit-1`, { name: "Kit" });
}

describe("test hub", () => {
  it("test hub - close leaves no stream, KV bucket, database or Redis key of its namespace behind", async () => {
    const t = await createTestHub();
    const ns = t.namespace;
    const dbName = new URL(t.config.databaseUrl).pathname.slice(1);
    await makeResources(t);
    await makeResources(other);
    // Before: everything is there, so the checks below can fail.
    expect(await streamNames(other)).toEqual(
      expect.arrayContaining([`KV_${ns}_leases`, `${ns.toUpperCase()}_EXTRA`]),
    );
    expect(await databases(other)).toContain(dbName);
    expect(await other.redis.keys(`${ns}:*`)).toHaveLength(2);

    await t.close();
    await t.close(); // a second close (afterAll after `await using`) is harmless

    const left = (await streamNames(other)).filter((n) => n.toLowerCase().includes(ns));
    expect(left).toEqual([]);
    expect(await databases(other)).not.toContain(dbName);
    expect(await other.redis.keys(`${ns}:*`)).toEqual([]);

    // The other hub's resources are untouched.
    const ours = other.namespace;
    expect(await streamNames(other)).toEqual(
      expect.arrayContaining([
        `KV_${ours}_leases`,
        `${ours.toUpperCase()}_EXTRA`,
        `${ours.toUpperCase()}_DEVICES`,
      ]),
    );
    expect(await other.redis.keys(`${ours}:*`)).toHaveLength(2);
  });
});
