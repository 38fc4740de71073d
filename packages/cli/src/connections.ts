import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  connectNats,
  createDatabase,
  createRedis,
  type Db,
  ensureDatabase,
  type HubConfig,
  jetStreamHandles,
} from "@uaip/platform";
import type { Redis } from "ioredis";
import { sql } from "kysely";
import type { CliContext } from "./context.ts";
import { ServiceUnreachableError } from "./service-error.ts";

export interface CliConnections {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
}

/** Connects to NATS; a failure names NATS and NATS_URL. */
export async function openNats(config: HubConfig, name = "uaip-cli"): Promise<NatsConnection> {
  try {
    return await connectNats(config.nats, name);
  } catch (err) {
    throw new ServiceUnreachableError("NATS", config.nats.servers.join(","), err);
  }
}

/**
 * A pool on DATABASE_URL, checked with one query so that an unreachable server or a missing
 * database is reported here, naming PostgreSQL and the URL, rather than by the first real query.
 */
export async function openDatabase(
  config: HubConfig,
  opts: { max?: number; name?: string } = {},
): Promise<Db> {
  const db = createDatabase(config.databaseUrl, {
    namespace: config.namespace,
    name: "uaip-cli",
    ...opts,
  });
  try {
    await sql`SELECT 1`.execute(db);
    return db;
  } catch (err) {
    await db.destroy();
    throw new ServiceUnreachableError("PostgreSQL", config.databaseUrl, err);
  }
}

/** Creates the database of DATABASE_URL if missing; a failure names PostgreSQL and the URL. */
export async function ensureDatabaseOf(config: HubConfig): Promise<void> {
  try {
    await ensureDatabase(config.databaseUrl);
  } catch (err) {
    throw new ServiceUnreachableError("PostgreSQL", config.databaseUrl, err);
  }
}

/** Connects to Redis; a failure names Redis and REDIS_URL (and stops its reconnecting). */
export async function openRedis(config: HubConfig, name = "uaip-cli"): Promise<Redis> {
  const redis = createRedis(config.redisUrl, { name });
  // connect() rejects with "Connection is closed."; the reason comes as an error event.
  let reason: unknown;
  const onError = (err: unknown) => {
    reason ??= err;
  };
  redis.on("error", onError);
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new ServiceUnreachableError("Redis", config.redisUrl, reason ?? err);
  } finally {
    redis.off("error", onError);
  }
}

/**
 * Checks that what the hub cannot start without answers: NATS, and the PostgreSQL server
 * (creating the database if missing, as the hub would). Redis is left out: the hub starts
 * without it and falls back to PostgreSQL. Throws a ServiceUnreachableError naming the first
 * that does not answer, which the hub's own start would report without the service or URL.
 */
export async function checkHubServices(config: HubConfig): Promise<void> {
  const nc = await openNats(config, "uaip-preflight");
  await nc.close();
  await ensureDatabaseOf(config);
}

/** Opens NATS and PostgreSQL for one command and closes both however it ends. */
export async function withConnections<T>(
  ctx: CliContext,
  fn: (c: CliConnections) => Promise<T>,
): Promise<T> {
  const nc = await openNats(ctx.config);
  try {
    const db = await openDatabase(ctx.config);
    try {
      const { js, jsm } = await jetStreamHandles(nc);
      return await fn({ nc, js, jsm, db });
    } finally {
      await db.destroy();
    }
  } finally {
    await nc.close();
  }
}
