import { randomBytes } from "node:crypto";
import type { JetStreamClient, JetStreamManager, PubAck } from "@nats-io/jetstream";
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
  const db = createDatabase(config.databaseUrl, { max: 5, name: "uaip-test" });
  const migrated = await migrateUp(db);
  if (migrated.error) throw migrated.error;
  const redis = createRedis(config.redisUrl, { name: "uaip-test" });
  await redis.connect();
  const s = subjects(namespace);

  const close = async () => {
    for (const def of Object.values(definitions))
      await jsm.streams.delete(def.name).catch(() => {});
    // KV buckets of the namespace too (`<ns>_…`: the hub's msg-id secret, leases).
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`KV_${namespace}_`)) await jsm.streams.delete(name).catch(() => {});
    }
    await nc.close();
    await db.destroy();
    await dropDatabase(config.databaseUrl).catch(() => {});
    const keys = await redis.keys(`${namespace}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
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

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
