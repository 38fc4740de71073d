import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import { cacheKeys, redisProjectionTarget } from "@uaip/projections";
import { clearNamespace, sampleHistory } from "@uaip/projections/testing";
import { Projector } from "@uaip/projector";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisVerifyError } from "./errors.ts";
import { verifyRedisProjection } from "./verify-redis-projection.ts";

let t: TestHub;
let projector: Projector;

beforeAll(async () => {
  t = await createTestHub();
  for (const e of sampleHistory(30)) await t.publish(e.event);
  // Undecodable: the projection skips it, and so must the verify fold.
  await t.publishRaw(`${t.namespace}.device.dev-3.status_changed`, "{ not json");
  projector = Projector.start({
    target: redisProjectionTarget(t.redis, t.namespace, { jsm: t.jsm }),
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: 20,
    batchWaitMs: 5,
    deadLetters: false,
  });
  await caughtUp();
});
afterAll(async () => {
  await projector?.stop();
  await t?.close();
});

async function caughtUp(): Promise<number> {
  const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  await waitFor(() => projector.position >= last, 30_000, `redis projection at ${last}`);
  return last;
}

const verify = (chunk?: number, onProgress?: (position: number) => void | Promise<void>) =>
  verifyRedisProjection({
    redis: t.redis,
    js: t.js,
    jsm: t.jsm,
    namespace: t.namespace,
    ...(chunk !== undefined && { chunk }),
    ...(onProgress && { onProgress }),
  });

const byTable = (report: Awaited<ReturnType<typeof verify>>) =>
  Object.fromEntries(report.tables.map((x) => [x.table.slice(t.namespace.length + 1), x]));

describe("verify redis projection", () => {
  it("verify redis - a healthy projection has no drift in any key family", async () => {
    const last = await caughtUp();
    const report = await verify();
    expect(report).toMatchObject({ projection: "redis", position: last, drift: 0 });
    const tables = byTable(report);
    expect(Object.keys(tables).sort()).toEqual(["counts", "device:*", "online", "type:*"]);
    expect(tables["device:*"]).toMatchObject({ liveRows: 31, expectedRows: 31 }); // + stray-1
    for (const x of report.tables) {
      expect(x.liveRows, x.table).toBe(x.expectedRows);
      expect(x.liveRows, x.table).toBeGreaterThan(0);
      expect(x.samples, x.table).toEqual([]);
    }
  });

  it("verify redis - a field set by hand names its key, and so do stray members and counters", async () => {
    const keys = cacheKeys(t.namespace);
    const key = keys.device("dev-7");
    const location = await t.redis.hget(key, "location");
    await t.redis.hset(key, "location", "tampered");
    await t.redis.sadd(keys.online, "ghost");
    await t.redis.hincrby(keys.counts, "type:thermostat", 1);
    try {
      const tables = byTable(await verify());
      expect(tables["device:*"]).toMatchObject({ missing: 1, unexpected: 1 });
      expect(tables["device:*"]!.samples).toEqual([
        { side: "missing", row: expect.objectContaining({ key, id: "dev-7" }) },
        { side: "unexpected", row: expect.objectContaining({ key, location: "tampered" }) },
      ]);
      expect(tables["device:*"]!.samples[0]!.row.location).not.toBe("tampered");
      expect(tables.online).toMatchObject({
        missing: 0,
        unexpected: 1,
        samples: [{ side: "unexpected", row: { key: keys.online, member: "ghost" } }],
      });
      expect(tables.counts).toMatchObject({ missing: 1, unexpected: 1 });
      expect(tables.counts!.samples.map((s) => s.row)).toEqual([
        expect.objectContaining({ key: keys.counts, field: "type:thermostat" }),
        expect.objectContaining({ key: keys.counts, field: "type:thermostat" }),
      ]);
      expect(tables["type:*"]).toMatchObject({ missing: 0, unexpected: 0 });
    } finally {
      if (location === null) await t.redis.hdel(key, "location");
      else await t.redis.hset(key, "location", location);
      await t.redis.srem(keys.online, "ghost");
      await t.redis.hincrby(keys.counts, "type:thermostat", -1);
    }
    expect((await verify()).drift).toBe(0);
  });

  it("verify redis - a hash deleted by hand is reported missing under its key", async () => {
    const keys = cacheKeys(t.namespace);
    await t.redis.del(keys.device("dev-5"));
    const tables = byTable(await verify());
    expect(tables["device:*"]).toMatchObject({ missing: 1, unexpected: 0 });
    expect(tables["device:*"]!.samples[0]!.row).toMatchObject({ key: keys.device("dev-5") });
    // Rebuild the namespace for the tests after this one.
    await projector.stop();
    await clearNamespace(t.redis, t.namespace);
    projector = Projector.start({
      target: redisProjectionTarget(t.redis, t.namespace, { jsm: t.jsm }),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: 20,
      batchWaitMs: 5,
      deadLetters: false,
    });
    await caughtUp();
    expect((await verify()).drift).toBe(0);
  });

  it("verify redis - no drift while the projection keeps applying new events under the comparison", async () => {
    const statuses = ["online", "offline", "error", "maintenance"] as const;
    const more: DeviceEvent[] = Array.from({ length: 600 }, (_, i) =>
      i % 50 === 0
        ? createEvent("device.registered", `late-${i}`, { name: `L${i}`, type: `kind-${i}` })
        : createEvent("device.status_changed", `dev-${i % 30}`, { status: statuses[i % 4]! }),
    );
    const positions = new Set<number>();
    const publishing = (async () => {
      for (const e of more) await t.publish(e);
    })();
    // Two devices per read: many reads, at many checkpoints, while events arrive.
    const report = await verify(2, (position) => {
      positions.add(position);
    });
    await publishing;
    expect(report.drift).toBe(0);
    expect(positions.size).toBeGreaterThan(2);
    const last = await caughtUp();
    expect(await verify()).toMatchObject({ position: last, drift: 0 });
  });

  it("verify redis - Redis losing its data during the comparison is an error, not a verdict", async () => {
    let cleared = false;
    const failure = await verify(4, async () => {
      if (cleared) return;
      cleared = true;
      await clearNamespace(t.redis, t.namespace);
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(RedisVerifyError);
    expect(failure).toMatchObject({ reason: "checkpoint_lost" });
  });

  it("verify redis - a checkpoint past the stream's end is a fault, reported at once", async () => {
    await projector.stop();
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    await t.redis.set(cacheKeys(t.namespace).checkpoint, String(last + 100));
    const report = await verify();
    expect(report).toMatchObject({
      projection: "redis",
      position: last + 100,
      drift: 0,
      tables: [],
    });
    expect(report.fault).toContain(`checkpoint ${last + 100} is past the last sequence ${last}`);
  });
});
