import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureLocalServices, freePort, type LocalServices } from "@uaip/local-services";
import type { ApiOptions } from "../api-options.ts";
import { type ApiTestHub, startApiTestHub } from "./api-test-hub.ts";

export type PrivateService = "nats" | "postgres" | "redis";

const envName = { nats: "NATS_URL", postgres: "DATABASE_URL", redis: "REDIS_URL" } as const;

/** An API test hub whose `service` is a private server this test may stop. */
export interface PrivateServiceHub extends AsyncDisposable {
  readonly hub: ApiTestHub;
  /** Where the private server listened. */
  readonly url: string;
  /** Stops the private server (the outage); the other two stay the shared ones. */
  stopService(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a private `service` (NATS, PostgreSQL or Redis) from the machine's binaries on a
 * free loopback port, with its data in a temporary folder, and an API test hub that uses it
 * and the shared servers for the rest: a test can then break that one dependency without
 * touching anything another test uses.
 *
 * @example
 * await using p = await startPrivateServiceHub("redis");
 * await p.stopService(); // Redis is down for this hub only
 */
export async function startPrivateServiceHub(
  service: PrivateService,
  options: Partial<ApiOptions> = {},
  opts: { redisProjection?: boolean } = {},
): Promise<PrivateServiceHub> {
  const dataDir = await mkdtemp(join(tmpdir(), `uaip-${service}-`));
  const port = await freePort();
  const configured = {
    nats: "nats://127.0.0.1:4222",
    postgres: "postgres://postgres@127.0.0.1:5432/uaip",
    redis: "redis://127.0.0.1:6379",
    ...Object.fromEntries(
      (["nats", "postgres", "redis"] as const).flatMap((name) =>
        process.env[envName[name]] ? [[name, process.env[envName[name]]]] : [],
      ),
    ),
  };
  const dead = {
    nats: `nats://127.0.0.1:${port}`,
    postgres: `postgres://postgres@127.0.0.1:${port}/uaip`,
    redis: `redis://127.0.0.1:${port}`,
  }[service];
  let services: LocalServices | undefined;
  const saved = process.env[envName[service]];
  try {
    // Nothing answers at the dead URL, so exactly this one service is started.
    services = await ensureLocalServices({
      dataDir,
      natsUrl: service === "nats" ? dead : configured.nats,
      databaseUrl: service === "postgres" ? dead : configured.postgres,
      redisUrl: service === "redis" ? dead : configured.redis,
    });
    const url = {
      nats: services.natsUrl,
      postgres: services.databaseUrl,
      redis: services.redisUrl,
    }[service];
    process.env[envName[service]] = url;
    const hub = await startApiTestHub(options, opts).finally(() => {
      if (saved === undefined) delete process.env[envName[service]];
      else process.env[envName[service]] = saved;
    });
    const running = services;
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      // With the service gone the hub's own cleanup of it can only fail: make it fail fast.
      if (service === "nats") await hub.t.nc.close().catch(() => {});
      await hub.close().catch(() => {});
      hub.t.redis.disconnect();
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    };
    return {
      hub,
      url,
      stopService: () => running.stop(),
      close,
      [Symbol.asyncDispose]: close,
    };
  } catch (err) {
    await services?.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
