import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deviceCache } from "@uaip/cache";
import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import type { RouteEnv } from "@uaip/http-kit";
import { ensureLocalServices, freePort, type LocalServices } from "@uaip/local-services";
import { createRedis } from "@uaip/platform";
import {
  cacheKeys,
  devicesProjection,
  readDevices,
  redisProjectionTarget,
} from "@uaip/projections";
import { Projector, postgresTarget } from "@uaip/projector";
import { createTestHub, publishAll, type TestHub, waitFor } from "@uaip/testkit";
import type { Hono } from "hono";
import type { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";

// FLUSHALL wipes a whole server, so this file runs its own redis-server on a free port.
let t: TestHub;
let services: LocalServices;
let dataDir: string;
let redis: Redis;
let app: Hono<RouteEnv>;
const projectors: Projector[] = [];

const DEVICES = 2_000;
const ids = Array.from({ length: DEVICES }, (_, d) => `r-${d}`);

beforeAll(async () => {
  t = await createTestHub();
  dataDir = await mkdtemp(join(tmpdir(), "uaip-reader-"));
  services = await ensureLocalServices({
    dataDir,
    natsUrl: t.config.nats.servers[0]!,
    databaseUrl: t.config.databaseUrl,
    redisUrl: `redis://127.0.0.1:${await freePort()}`,
  });
  redis = createRedis(services.redisUrl, { name: "uaip-test-reader" });
  await redis.connect();
  const common = { namespace: t.namespace, js: t.js, jsm: t.jsm, logger: t.logger };
  projectors.push(
    Projector.start({
      ...common,
      target: postgresTarget(t.db, devicesProjection),
      batchSize: 500,
      batchWaitMs: 5,
    }),
    // Small batches make the replay long enough for many reads to overlap it.
    Projector.start({
      ...common,
      target: redisProjectionTarget(redis, t.namespace, { jsm: t.jsm }),
      batchSize: 50,
      batchWaitMs: 5,
      deadLetters: false,
    }),
  );
  app = createApp({
    namespace: t.namespace,
    db: t.db,
    redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    options: { auth: "off" },
  });
});

afterAll(async () => {
  await Promise.all(projectors.map((p) => p.stop()));
  redis?.disconnect();
  await services?.stop();
  await t?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** 2,000 registrations, then 18,000 status changes spread over the devices. */
function history(): DeviceEvent[] {
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  const registered = ids.map((id, d) =>
    createEvent("device.registered", id, { name: `R${d}`, type: d % 2 ? "camera" : "sensor" }),
  );
  const changes = Array.from({ length: 18_000 }, (_, i) =>
    createEvent("device.status_changed", ids[(i * 31) % DEVICES]!, {
      status: statuses[i % 4]!,
      reason: `r${i}`,
    }),
  );
  return [...registered, ...changes];
}

const redisPosition = async () => {
  const stored = await redis.get(cacheKeys(t.namespace).checkpoint);
  return stored === null ? undefined : Number(stored);
};

async function caughtUp(): Promise<number> {
  const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  await waitFor(
    () => projectors.every((p) => p.position >= last),
    60_000,
    `both projections at ${last}`,
  );
  return last;
}

async function postgresVersions(wanted: readonly string[]): Promise<Map<string, number>> {
  const rows = await t.db
    .selectFrom("devices")
    .select(["id", "version"])
    .where(sql<boolean>`id = any(${sql.val(wanted)}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.version)]));
}

/** What GET /devices/{id} and POST /devices:batchGet answer, as id → version. */
async function apiVersions(wanted: readonly string[]): Promise<Map<string, number>> {
  const one = await app.request(`/api/v1/devices/${wanted[0]}`);
  expect(one.status).toBe(200);
  const single = (await one.json()) as { id: string; version: number };
  const many = await app.request("/api/v1/devices:batchGet", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ids: wanted.slice(1) }),
  });
  expect(many.status).toBe(200);
  const batch = (await many.json()) as { items: { id: string; version: number }[] };
  return new Map([single, ...batch.items].map((d) => [d.id, d.version]));
}

describe("device reader", () => {
  it("device reader - reads while Redis replays after a FLUSHALL never go back behind PostgreSQL", async () => {
    await publishAll(history(), t.publish);
    await caughtUp();

    await redis.flushall();
    // The next event makes the projection find its checkpoint gone and replay from 0.
    const end = (
      await t.publish(createEvent("device.status_changed", ids[0]!, { status: "online" }))
    ).seq;

    const stale: string[] = [];
    let overlapping = 0;
    for (let round = 0; ; round++) {
      const before = await redisPosition();
      const asked = Array.from({ length: 40 }, (_, j) => ids[(round * 53 + j * 47) % DEVICES]!);
      const floor = await postgresVersions(asked);
      const got = await apiVersions(asked);
      for (const id of asked) {
        const seen = got.get(id);
        if (seen === undefined || seen < floor.get(id)!)
          stale.push(`${id}: answered ${seen}, PostgreSQL had ${floor.get(id)}`);
      }
      const after = await redisPosition();
      // A read that ran while Redis held a checkpoint but only part of the replay.
      if (before !== undefined && after !== undefined && after < end) overlapping++;
      if (before === end) break;
      if (round > 20_000) throw new Error(`the replay did not finish: at ${after} of ${end}`);
    }
    expect({ stale: stale.length, first: stale.slice(0, 5) }).toEqual({ stale: 0, first: [] });
    expect(overlapping).toBeGreaterThan(10);

    // Caught up: Redis answers again, and it agrees with PostgreSQL.
    const last = await caughtUp();
    expect(await redisPosition()).toBe(last);
    const asked = ids.slice(0, 100);
    expect(await apiVersions(asked)).toEqual(await postgresVersions(asked));
  });

  it("device reader - while Redis may not answer, a device's newer snapshot still beats an older PostgreSQL row", async () => {
    const keys = cacheKeys(t.namespace);
    const end = await caughtUp();
    const [newer, same, onlyRedis] = [ids[1]!, ids[2]!, "only-in-redis"];
    const pg = await postgresVersions([newer, same]);
    const cache = deviceCache(redis, t.namespace);
    const snapshot = (await readDevices(redis, t.namespace, [newer])).get(newer)!;
    // As a replay running ahead of the PostgreSQL projection would leave them.
    await redis.del(keys.device(newer), keys.device(onlyRedis));
    await cache.cacheDevices([
      { ...snapshot, name: "from Redis", version: pg.get(newer)! + 1 },
      { ...snapshot, id: onlyRedis, name: "only in Redis", version: end + 1 },
    ]);
    await redis.set(keys.replayingUntil, String(end + 1_000));
    try {
      const got = await apiVersions([newer, same, onlyRedis]);
      expect(got).toEqual(
        new Map([
          [newer, pg.get(newer)! + 1],
          [same, pg.get(same)!],
          [onlyRedis, end + 1],
        ]),
      );
      const one = (await (await app.request(`/api/v1/devices/${newer}`)).json()) as {
        name: string;
      };
      expect(one.name).toBe("from Redis");
      // A reader asking for a sequence Redis has not reached gets the newer of the two too.
      const waited = await app.request(`/api/v1/devices/${same}`, {
        headers: { "x-min-sequence": `devices:${end}` },
      });
      expect(((await waited.json()) as { version: number }).version).toBe(pg.get(same));
    } finally {
      await redis.del(keys.replayingUntil, keys.device(onlyRedis));
      await redis.del(keys.device(newer));
      await cache.cacheDevices([snapshot]);
    }
    // The mark gone, Redis answers on its own again.
    expect(await apiVersions([newer, same])).toEqual(await postgresVersions([newer, same]));
  });

  it("device reader - a client sending the version it saw as X-Min-Sequence never gets an older one from a lagging Redis", async () => {
    await caughtUp();
    const id = ids[7]!;
    await projectors[1]!.stop(); // Redis now lags PostgreSQL
    try {
      const seen = (await t.publish(createEvent("device.status_changed", id, { status: "error" })))
        .seq;
      await waitFor(async () => (await postgresVersions([id])).get(id) === seen, 30_000, "pg");
      const get = async (headers: Record<string, string> = {}) =>
        (
          (await (await app.request(`/api/v1/devices/${id}`, { headers })).json()) as {
            version: number;
          }
        ).version;
      expect(await get()).toBeLessThan(seen); // the lag is real: Redis answers its older state
      expect(await get({ "x-min-sequence": `devices:${seen}` })).toBe(seen);
    } finally {
      projectors[1] = Projector.start({
        namespace: t.namespace,
        js: t.js,
        jsm: t.jsm,
        logger: t.logger,
        target: redisProjectionTarget(redis, t.namespace, { jsm: t.jsm }),
        batchSize: 50,
        batchWaitMs: 5,
        deadLetters: false,
      });
    }
    await caughtUp();
  });
});
