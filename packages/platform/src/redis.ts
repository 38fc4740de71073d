import { Redis } from "ioredis";

/**
 * A Redis client that fails commands fast while Redis is down (so reads can fall back to
 * PostgreSQL) and keeps reconnecting in the background.
 */
export function createRedis(url: string, opts: { name?: string } = {}): Redis {
  const redis = new Redis(url, {
    connectionName: opts.name ?? "uaip",
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  redis.on("error", () => {}); // reported through health checks and failed commands
  return redis;
}
