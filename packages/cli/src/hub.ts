import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { NatsConnection } from "@nats-io/transport-node";
import { createApp, listen, type RunningServer } from "@uaip/api";
import { type RunningDispatcher, startDispatcher } from "@uaip/dispatcher";
import {
  connectNats,
  createDatabase,
  createRedis,
  type Db,
  type HubConfig,
  jetStreamHandles,
  type Logger,
} from "@uaip/platform";
import { projections, redisProjectionTarget } from "@uaip/projections";
import { Projector, postgresTarget } from "@uaip/projector";
import { writeRouteSpecs } from "@uaip/write-side";
import type { Redis } from "ioredis";
import { prepareDatabase, prepareStreams } from "./setup.ts";

export const hubParts = ["api", "projectors", "dispatcher"] as const;
export type HubPart = (typeof hubParts)[number];

export interface RunningHub extends AsyncDisposable {
  readonly url?: string;
  readonly projectors: readonly Projector[];
  stop(): Promise<void>;
}

/**
 * Starts the parts of the hub in this process: the HTTP API, one worker per projection,
 * and (later) the command dispatcher. Streams and migrations are applied first; both are
 * idempotent, so several hub processes may start at once.
 */
export async function startHub(
  config: HubConfig,
  logger: Logger,
  parts: readonly HubPart[] = hubParts,
): Promise<RunningHub> {
  const opened: {
    nc?: NatsConnection;
    db?: Db;
    redis?: Redis;
    server?: RunningServer;
    dispatcher?: RunningDispatcher;
    projectors: Projector[];
  } = { projectors: [] };
  const stop = async () => {
    await opened.server?.close();
    await Promise.all(opened.projectors.map((p) => p.stop()));
    await opened.dispatcher?.stop();
    await opened.nc?.drain().catch(() => {});
    await opened.db?.destroy();
    opened.redis?.disconnect();
  };
  try {
    const nc = await connectNats(config.nats, "uaip-hub");
    opened.nc = nc;
    const { js, jsm } = await jetStreamHandles(nc);
    const db = createDatabase(config.databaseUrl, {
      namespace: config.namespace,
      name: "uaip-hub",
      statementTimeoutMs: config.api.requestTimeoutMs * 2,
    });
    opened.db = db;
    await prepareStreams(config, jsm);
    await prepareDatabase(config, db);
    const redis = createRedis(config.redisUrl, { name: "uaip-hub" });
    opened.redis = redis;
    await redis
      .connect()
      .catch((err) =>
        logger.warn(
          { err: (err as Error).message },
          "Redis not reachable yet; the API falls back to PostgreSQL",
        ),
      );

    // Several hub processes may run projectors and dispatchers: leases pick one of each.
    const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    if (parts.includes("projectors")) {
      for (const projection of projections) {
        opened.projectors.push(
          Projector.start({
            target: postgresTarget(db, projection),
            namespace: config.namespace,
            js,
            jsm,
            logger,
            batchSize: config.projector.batchSize,
            batchWaitMs: config.projector.batchWaitMs,
            lease: { db, owner: workerId, ttlMs: config.projector.leaseMs },
          }),
        );
      }
      // The Redis caches are a projection too, with their checkpoint in Redis. While Redis
      // is down it retries; if Redis comes back empty it replays the stream from the start.
      opened.projectors.push(
        Projector.start({
          target: redisProjectionTarget(redis, config.namespace, { jsm }),
          namespace: config.namespace,
          js,
          jsm,
          logger,
          batchSize: config.projector.batchSize,
          batchWaitMs: config.projector.batchWaitMs,
          lease: { db, owner: workerId, ttlMs: config.projector.leaseMs },
          deadLetters: false,
        }),
      );
    }
    if (parts.includes("dispatcher")) {
      opened.dispatcher = await startDispatcher(
        {
          nc,
          db,
          namespace: config.namespace,
          logger: logger.child({ part: "dispatcher" }),
          owner: workerId,
        },
        config.dispatcher,
      );
    }
    if (parts.includes("api")) {
      const app = createApp({
        namespace: config.namespace,
        db,
        redis,
        nc,
        jsm,
        logger,
        options: config.api,
        routes: (s) => writeRouteSpecs({ ...s.deps, db: s.db }),
      });
      opened.server = await listen(app, config.http.host, config.http.port);
    }
    return {
      ...(opened.server ? { url: opened.server.url } : {}),
      projectors: opened.projectors,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
