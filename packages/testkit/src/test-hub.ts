import { randomBytes } from "node:crypto";
import {
  JetStreamApiCodes,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type DeviceEvent, type Subjects, subjects } from "@uaip/events";
import { migrateUp } from "@uaip/migrations";
import {
  connectNats,
  createDatabase,
  createLogger,
  createRedis,
  type Db,
  dropDatabase,
  ensureDatabase,
  type HubConfig,
  jetStreamHandles,
  type Logger,
  loadConfig,
} from "@uaip/platform";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import type { Redis } from "ioredis";
import { namespaceStreams } from "./namespace-streams.ts";

/**
 * Everything one spec file needs, isolated from every other file and from a user's data:
 * its own namespace (so its own streams, subjects and Redis keys) and its own database.
 */
export interface TestHub extends AsyncDisposable {
  readonly namespace: string;
  readonly config: HubConfig;
  readonly env: Record<string, string>;
  readonly logger: Logger;
  readonly subjects: Subjects;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly redis: Redis;
  /** Publishes an event on its subject through JetStream, with its id as Nats-Msg-Id. */
  publish(event: DeviceEvent): Promise<PubAck>;
  /** Publishes raw bytes (for malformed input) through JetStream. */
  publishRaw(subject: string, body: string | Uint8Array): Promise<PubAck>;
  /**
   * Deletes every stream, KV bucket and object store of the namespace, the database and the
   * namespace's Redis keys, then disconnects; rejects naming whatever it could not remove.
   * Safe to call twice.
   */
  close(): Promise<void>;
}

export async function createTestHub(): Promise<TestHub> {
  const namespace = `t${randomBytes(5).toString("hex")}`;
  const base = loadConfig(process.env);
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/uaip_test_${namespace}`;
  const env = {
    UAIP_NAMESPACE: namespace,
    DATABASE_URL: dbUrl.toString(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    // Tests that exercise API keys turn auth on themselves.
    UAIP_AUTH: "off",
  };
  const config = loadConfig({ ...process.env, ...env });
  const logger = createLogger(config.logLevel, "test");
  const nc = await connectNats(config.nats, `test-${namespace}`);
  const { js, jsm } = await jetStreamHandles(nc);
  const definitions = streamDefinitions(namespace);
  await applyStreams(jsm, definitions);
  await ensureDatabase(config.databaseUrl);
  const db = createDatabase(config.databaseUrl, { namespace, max: 5, name: "uaip-test" });
  const migrated = await migrateUp(db);
  if (migrated.error) throw migrated.error;
  const redis = createRedis(config.redisUrl, { name: "uaip-test" });
  await redis.connect();
  const s = subjects(namespace);

  // Everything this namespace made goes, whoever made it (a dispatcher's KV bucket, a
  // stream a test created): every step runs, and what could not be removed is reported.
  const removeAll = async () => {
    const failures: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      await step().catch((err: unknown) => failures.push(`${what}: ${(err as Error).message}`));
    };
    await attempt("streams", async () => {
      for (const name of await namespaceStreams(jsm, namespace)) {
        await jsm.streams.delete(name).catch((err: unknown) => {
          if ((err as { code?: unknown }).code !== JetStreamApiCodes.StreamNotFound) throw err;
        });
      }
    });
    await attempt("nats", () => nc.close());
    await attempt("database", async () => {
      await db.destroy();
      await dropDatabase(config.databaseUrl);
    });
    await attempt("redis keys", async () => {
      const keys = await redis.keys(`${namespace}:*`);
      for (let i = 0; i < keys.length; i += 1_000) await redis.unlink(...keys.slice(i, i + 1_000));
    });
    redis.disconnect();
    if (failures.length > 0)
      throw new Error(`test hub ${namespace} left resources behind: ${failures.join("; ")}`);
  };
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= removeAll();
    return closing;
  };
  return {
    namespace,
    config,
    env,
    logger,
    subjects: s,
    nc,
    js,
    jsm,
    db,
    redis,
    publish: (event) => {
      return js.publish(s.forEvent(event), JSON.stringify(event), { msgID: event.id });
    },
    // Like a plain NATS client: no headers at all.
    publishRaw: (subject, body) => js.publish(subject, body),
    close,
    [Symbol.asyncDispose]: close,
  };
}
