import { createApp, listen } from "@uaip/api";
import { startDispatcher } from "@uaip/dispatcher";
import {
  connectNats,
  createDatabase,
  createRedis,
  type HubConfig,
  jetStreamHandles,
  type Logger,
} from "@uaip/platform";
import { type Projector, startProjectors } from "@uaip/projector";
import { writeRouteSpecs } from "@uaip/write-side";
import { prepareDatabase, prepareStreams } from "./prepare-hub.ts";
import { ResourceStack } from "./resource-stack.ts";
import { workerId } from "./worker-id.ts";

export const hubParts = ["api", "projectors", "dispatcher"] as const;
export type HubPart = (typeof hubParts)[number];

export interface RunningHub extends AsyncDisposable {
  /** The API's address, when this process runs the API. */
  readonly url?: string;
  readonly projectors: readonly Projector[];
  stop(): Promise<void>;
}

/**
 * Starts the parts of the hub in this process — the HTTP API, one worker per read model,
 * the command dispatcher and presence watchdog — from one config. Streams and migrations
 * are applied first; both are idempotent, so several hub processes may start at once, and
 * leases make one of them run each projection and the dispatcher. Stopping closes them in
 * reverse order: the API stops taking requests, the workers finish their batch, then the
 * connections go.
 *
 * @example
 * await using hub = await startHub(loadConfig(process.env), logger, ["api", "projectors"]);
 */
export async function startHub(
  config: HubConfig,
  logger: Logger,
  parts: readonly HubPart[] = hubParts,
): Promise<RunningHub> {
  const opened = new ResourceStack();
  try {
    const nc = opened.use(await connectNats(config.nats, "uaip-hub"), (c) =>
      c.drain().catch(() => {}),
    );
    const { js, jsm } = await jetStreamHandles(nc);
    const db = opened.use(
      createDatabase(config.databaseUrl, {
        namespace: config.namespace,
        name: "uaip-hub",
        statementTimeoutMs: config.api.requestTimeoutMs * 2,
      }),
      (d) => d.destroy(),
    );
    await prepareStreams(config, jsm);
    await prepareDatabase(config, db);
    const redis = opened.use(createRedis(config.redisUrl, { name: "uaip-hub" }), (r) =>
      r.disconnect(),
    );
    await redis
      .connect()
      .catch((err) =>
        logger.warn(
          { err: (err as Error).message },
          "Redis not reachable yet; the API falls back to PostgreSQL",
        ),
      );

    const owner = workerId();
    const projectors = parts.includes("projectors")
      ? opened.use(
          startProjectors(
            { db, redis, js, jsm, namespace: config.namespace, logger },
            {
              batchSize: config.projector.batchSize,
              batchWaitMs: config.projector.batchWaitMs,
              lease: { owner, ttlMs: config.projector.leaseMs },
            },
          ),
          (p) => p.stop(),
        ).projectors
      : [];
    if (parts.includes("dispatcher")) {
      opened.use(
        await startDispatcher(
          {
            nc,
            db,
            namespace: config.namespace,
            logger: logger.child({ part: "dispatcher" }),
            owner,
          },
          config.dispatcher,
        ),
        (d) => d.stop(),
      );
    }
    let url: string | undefined;
    if (parts.includes("api")) {
      const app = createApp({
        namespace: config.namespace,
        db,
        redis,
        nc,
        jsm,
        logger,
        ...(config.nats.monitorUrl ? { natsMonitorUrl: config.nats.monitorUrl } : {}),
        options: config.api,
        routes: (s) => writeRouteSpecs({ ...s.deps, db: s.db }),
      });
      const server = opened.use(await listen(app, config.http.host, config.http.port), (s) =>
        s.close(),
      );
      url = server.url;
    }
    const stop = () => opened.close();
    return { ...(url ? { url } : {}), projectors, stop, [Symbol.asyncDispose]: stop };
  } catch (err) {
    await opened.close();
    throw err;
  }
}
