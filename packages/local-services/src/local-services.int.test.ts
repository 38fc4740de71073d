import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findBinary } from "./find-binary.ts";
import { freePort } from "./free-port.ts";
import { ensureLocalServices } from "./local-services.ts";
import { MissingBinaryError } from "./mod.ts";
import { probeNats, probePostgres, probeRedis } from "./probe.ts";

describe("local-services", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "uaip-local-services-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("local-services - starts each service that does not answer, and stop() ends them", async () => {
    // Ports nobody listens on: every configured service is missing.
    const [natsPort, pgPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    const lines: string[] = [];
    const services = await ensureLocalServices({
      dataDir,
      natsUrl: `nats://127.0.0.1:${natsPort}`,
      databaseUrl: `postgres://uaip@127.0.0.1:${pgPort}/uaip_local`,
      redisUrl: `redis://127.0.0.1:${redisPort}/2`,
      log: (line) => lines.push(line),
    });
    try {
      expect([...services.started].sort()).toEqual(["nats", "postgres", "redis"]);
      expect(services.natsUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
      expect(services.natsUrl).not.toBe(`nats://127.0.0.1:${natsPort}`);
      expect(services.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+\/2$/);
      expect(services.databaseUrl).toMatch(/^postgres:\/\/uaip@127\.0\.0\.1:\d+\/uaip_local$/);

      expect((await probeNats(services.natsUrl)).answers).toBe(true);
      expect((await probeRedis(services.redisUrl)).answers).toBe(true);
      // The configured user and database exist in the new cluster.
      const client = new pg.Client({ connectionString: services.databaseUrl });
      await client.connect();
      const { rows } = await client.query("SELECT current_user AS u, current_database() AS d");
      await client.end();
      expect(rows[0]).toEqual({ u: "uaip", d: "uaip_local" });
      expect(lines.some((line) => line.includes("starting one locally"))).toBe(true);
    } finally {
      await services.stop();
    }

    expect((await probeNats(services.natsUrl)).answers).toBe(false);
    expect((await probeRedis(services.redisUrl)).answers).toBe(false);
    expect((await probePostgres(services.databaseUrl)).answers).toBe(false);
  }, 30_000);

  it("local-services - starts nothing when the configured services answer", async () => {
    const configured = {
      natsUrl: "nats://127.0.0.1:4222",
      databaseUrl: "postgres://postgres@127.0.0.1:5432/uaip",
      redisUrl: "redis://127.0.0.1:6379",
    };
    await using services = await ensureLocalServices({ dataDir, ...configured });
    expect(services.started).toEqual([]);
    expect({
      natsUrl: services.natsUrl,
      databaseUrl: services.databaseUrl,
      redisUrl: services.redisUrl,
    }).toEqual(configured);
  });

  it("local-services - a missing binary names what to install, on one line", async () => {
    const err = await findBinary("no-such-server", "Debian: apt-get install -y no-such-server", {
      path: dataDir,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingBinaryError);
    expect((err as MissingBinaryError).binary).toBe("no-such-server");
    expect((err as Error).message).toBe(
      "no-such-server not found: install it (Debian: apt-get install -y no-such-server)",
    );
  });
});
