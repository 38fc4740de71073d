import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamName } from "@uaip/events";
import { freePort, probeRedis } from "@uaip/local-services";
import { createRedis } from "@uaip/platform";
import { cacheKeys, redisProjectionTarget } from "@uaip/projections";
import { dumpNamespace, sampleHistory } from "@uaip/projections/testing";
import { Projector } from "@uaip/projector";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshots, servesReads } from "./read-snapshots.ts";
import { verifyRedisProjection } from "./verify-redis-projection.ts";

// A restart must keep the port (clients reconnect to the same address), which local-services'
// launcher does not offer: this file runs redis-server itself, without persistence, on a
// free loopback port from local-services, and stops only the process it started.
let t: TestHub;
let dir: string;
let port: number;
let server: ChildProcess | undefined;
let redis: Redis;
let projector: Projector;

async function startServer(): Promise<void> {
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { cwd: dir, stdio: "ignore" },
  );
  server = child;
  await waitFor(
    async () => child.exitCode === null && (await probeRedis(`redis://127.0.0.1:${port}`)).answers,
    15_000,
    `redis-server on ${port}`,
  );
}

async function stopServer(): Promise<void> {
  const child = server;
  server = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-redis-restart-"));
  port = await freePort();
  await startServer();
  redis = createRedis(`redis://127.0.0.1:${port}`, { name: "uaip-test-restart" });
  await redis.connect();
  projector = Projector.start({
    target: redisProjectionTarget(redis, t.namespace, { jsm: t.jsm }),
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: 25,
    batchWaitMs: 5,
    deadLetters: false,
  });
});

afterAll(async () => {
  await projector?.stop();
  redis?.disconnect();
  await stopServer();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("redis restart", () => {
  it("redis restart - an empty Redis after a restart is refilled with no new event: snapshots, sets, counters", async () => {
    for (const e of sampleHistory(40)) await t.publish(e.event);
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    const keys = cacheKeys(t.namespace);
    const checkpoint = async () =>
      Number((await redis.get(keys.checkpoint).catch(() => null)) ?? 0);
    await waitFor(async () => (await checkpoint()) >= last, 30_000, `redis projection at ${last}`);
    const built = await dumpNamespace(redis, t.namespace);
    expect(Object.keys(built).length).toBeGreaterThan(40);

    await stopServer();
    await startServer(); // no persistence: it comes back empty
    await waitFor(
      async () => (await redis.dbsize().catch(() => -1)) >= 0,
      15_000,
      "client reconnected",
    );

    // Nothing is published from here on: the projector must notice by itself.
    await waitFor(async () => (await checkpoint()) >= last, 30_000, "cache refilled");
    expect(await dumpNamespace(redis, t.namespace)).toEqual(built);
    const read = await readSnapshots(redis, t.namespace, ["dev-0"]);
    expect(servesReads(read)).toBe(true);
    expect(read.rows.get("dev-0")?.id).toBe("dev-0");
    const report = await verifyRedisProjection({
      redis,
      js: t.js,
      jsm: t.jsm,
      namespace: t.namespace,
    });
    expect(report).toMatchObject({ position: last, drift: 0 });
    expect((await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq).toBe(
      last,
    );
  });
});
