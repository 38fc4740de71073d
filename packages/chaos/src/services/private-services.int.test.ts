import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { probeNats, probePostgres, probeRedis } from "@uaip/local-services";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrivateServices, startPrivateServices } from "./private-services.ts";

let services: PrivateServices;

beforeAll(async () => {
  services = await startPrivateServices({
    dir: await mkdtemp(join(tmpdir(), "uaip-chaos-services-")),
    log: () => {},
  });
}, 60_000);
afterAll(() => services?.close());

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("private services", () => {
  it("private services - none of them is a shared one: each listens on a port of its own", () => {
    const ports = [services.nats.port, services.postgres.port, services.redis.port];
    expect(new Set(ports).size).toBe(3);
    for (const shared of [4222, 5432, 6379]) expect(ports).not.toContain(shared);
    expect(services.postgres.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/uaip$/);
  });

  it("private services - nats-server killed with SIGKILL starts again on its port with its streams", async () => {
    const nc = await connect({ servers: services.nats.url });
    await (await jetstreamManager(nc)).streams.add({ name: "KEPT", subjects: ["kept.>"] });
    const ack = await jetstream(nc).publish("kept.a", "1");
    await nc.close();
    await services.nats.kill();
    expect(services.nats.running()).toBe(false);
    expect((await probeNats(services.nats.url)).answers).toBe(false);
    await services.nats.start();
    const again = await connect({ servers: services.nats.url });
    const info = await (await jetstreamManager(again)).streams.info("KEPT");
    await again.close();
    expect(info.state.last_seq).toBe(ack.seq);
  });

  it("private services - PostgreSQL after a fast stop serves the same cluster on the same port", async () => {
    await query(services.postgres.url, "CREATE TABLE kept AS SELECT 42 AS n");
    await services.postgres.stop();
    expect((await probePostgres(services.postgres.url)).answers).toBe(false);
    await services.postgres.start();
    expect(await query(services.postgres.url, "SELECT n FROM kept")).toEqual([{ n: 42 }]);
  });

  it("private services - redis-server restarted comes back empty on the same port", async () => {
    const redis = new Redis(services.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redis.on("error", () => {});
    await redis.connect();
    await redis.set("kept", "1");
    redis.disconnect();
    await services.redis.kill();
    expect((await probeRedis(services.redis.url)).answers).toBe(false);
    await services.redis.start();
    const again = new Redis(services.redis.url);
    expect(await again.exists("kept")).toBe(0);
    again.disconnect();
  });

  it("private services - close stops every server and removes the folder", async () => {
    const own = await startPrivateServices({
      dir: await mkdtemp(join(tmpdir(), "uaip-chaos-services-")),
      log: () => {},
    });
    await own.close();
    expect(existsSync(own.dir)).toBe(false);
    expect((await probeNats(own.nats.url)).answers).toBe(false);
    expect((await probePostgres(own.postgres.url)).answers).toBe(false);
    expect((await probeRedis(own.redis.url)).answers).toBe(false);
  }, 60_000);
});
