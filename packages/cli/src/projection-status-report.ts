import type { JetStreamManager } from "@nats-io/jetstream";
import { streamName } from "@uaip/events";
import type { Db, HubConfig } from "@uaip/platform";
import { cacheKeys, projections } from "@uaip/projections";
import { type ProjectionStatus, projectionStatus, type StatusSource } from "@uaip/projector";
import type { Redis } from "ioredis";
import { openRedis } from "./connections.ts";
import { ServiceUnreachableError } from "./service-error.ts";

/** One line of `uaip projections status`. */
export type ProjectionStatusRow =
  | (ProjectionStatus & {
      /**
       * Events this projection rejected (rows in `rejected_events`). `null` for the Redis
       * cache: it reads the DEVICES stream and leaves recording rejections to `devices`.
       */
      readonly rejected: number | null;
    })
  | {
      readonly name: string;
      readonly stream: string;
      readonly state: "unreachable";
      /** Why its checkpoint could not be read, naming the service and URL. */
      readonly error: string;
      readonly rejected: null;
    };

/** The Redis cache's name in `projection_checkpoints` (its lease) and in this report. */
const REDIS = "redis";

/**
 * Every projection the hub runs, PostgreSQL ones and the Redis cache (its checkpoint lives in
 * Redis under `<ns>:projection:redis:position`), with its rejected-event count. Redis being
 * down does not hide the rest: its row says `unreachable` and why.
 */
export async function projectionStatusReport(
  c: { db: Db; jsm: JetStreamManager },
  config: HubConfig,
  sampleMs: number,
): Promise<ProjectionStatusRow[]> {
  let redis: Redis | undefined;
  let redisError: ServiceUnreachableError | undefined;
  try {
    redis = await openRedis(config);
  } catch (err) {
    if (!(err instanceof ServiceUnreachableError)) throw err;
    redisError = err;
  }
  try {
    const sources: StatusSource[] = projections.map((p) => ({ name: p.name, stream: p.stream }));
    if (redis) {
      const key = cacheKeys(config.namespace).checkpoint;
      const client = redis;
      sources.push({
        name: REDIS,
        stream: "devices",
        position: async () => {
          const stored = await client.get(key);
          return stored === null ? undefined : Number(stored);
        },
      });
    }
    const [status, rejected] = await Promise.all([
      projectionStatus(c.db, c.jsm, config.namespace, sources, sampleMs),
      rejectedCounts(c.db),
    ]);
    const rows: ProjectionStatusRow[] = status.map((s) => ({
      ...s,
      rejected: s.name === REDIS ? null : (rejected.get(s.name) ?? 0),
    }));
    if (redisError)
      rows.push({
        name: REDIS,
        stream: streamName(config.namespace, "devices"),
        state: "unreachable",
        error: redisError.message,
        rejected: null,
      });
    return rows;
  } finally {
    redis?.disconnect();
  }
}

async function rejectedCounts(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("rejected_events")
    .select(["projection", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("projection")
    .execute();
  return new Map(rows.map((r) => [r.projection, Number(r.n)]));
}
