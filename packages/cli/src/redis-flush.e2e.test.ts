import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import { type RunningHub, startHub } from "@uaip/hub";
import { ensureLocalServices, freePort, type LocalServices } from "@uaip/local-services";
import { createRedis } from "@uaip/platform";
import { deviceFromTable, readDevices, redisProjectionTarget } from "@uaip/projections";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// FLUSHALL wipes a whole server, so this test runs its own redis-server on a free port.
let t: TestHub;
let services: LocalServices;
let redis: Redis;
let hub: RunningHub;
let dataDir: string;

beforeAll(async () => {
  t = await createTestHub();
  dataDir = await mkdtemp(join(tmpdir(), "uaip-redis-"));
  services = await ensureLocalServices({
    dataDir,
    natsUrl: t.config.nats.servers[0]!,
    databaseUrl: t.config.databaseUrl,
    redisUrl: `redis://127.0.0.1:${await freePort()}`,
  });
  redis = createRedis(services.redisUrl);
  await redis.connect();
  hub = await startHub(
    { ...t.config, redisUrl: services.redisUrl, http: { host: "127.0.0.1", port: 0 } },
    t.logger,
    ["projectors"],
  );
});

afterAll(async () => {
  await hub?.stop();
  redis?.disconnect();
  await services?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await t?.close();
});

function statusEvents(prefix: string, devices: number, changes: number, offset = 0): DeviceEvent[] {
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  return Array.from({ length: changes }, (_, i) =>
    createEvent("device.status_changed", `${prefix}-${(i * 31) % devices}`, {
      status: statuses[(i + offset) % 4]!,
      reason: `r${i}`,
    }),
  );
}

async function publishAll(events: DeviceEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500)
    await Promise.all(events.slice(i, i + 500).map((e) => t.publish(e)));
}

async function redisCaughtUp(): Promise<void> {
  const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  const target = redisProjectionTarget(redis, t.namespace, { jsm: t.jsm });
  await waitFor(
    async () => ((await target.position()) ?? 0) >= last,
    30_000,
    `redis projection at ${last}`,
  );
  await waitFor(
    async () => {
      const row = await t.db
        .selectFrom("projection_checkpoints")
        .select("position")
        .where("name", "=", "devices")
        .executeTakeFirst();
      return (row?.position ?? 0) >= last;
    },
    30_000,
    `devices projection at ${last}`,
  );
}

async function expectRedisEqualsPostgres(): Promise<void> {
  const rows = (await t.db.selectFrom("devices").selectAll().orderBy("id").execute()).map(
    deviceFromTable,
  );
  const cached = await readDevices(
    redis,
    t.namespace,
    rows.map((r) => r.id),
  );
  expect(rows.length).toBeGreaterThan(0);
  expect(rows.map((r) => cached.get(r.id))).toEqual(rows);
}

describe("redis projection", () => {
  it("redis - FLUSHALL mid-stream: the projection notices, replays the log and matches PostgreSQL", async () => {
    const registrations = Array.from({ length: 200 }, (_, d) =>
      createEvent("device.registered", `f-${d}`, {
        name: `F${d}`,
        type: d % 2 ? "camera" : "thermostat",
      }),
    );
    await publishAll([...registrations, ...statusEvents("f", 200, 2_000)]);
    await redisCaughtUp();
    await expectRedisEqualsPostgres();

    const more = publishAll(statusEvents("f", 200, 3_000, 1));
    await redis.flushall();
    await more;
    await redisCaughtUp();
    await expectRedisEqualsPostgres();
    expect(Number(await redis.hget(`${t.namespace}:counts`, "type:camera"))).toBe(100);
  });
});
