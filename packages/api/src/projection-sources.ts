import { cacheKeys, projections } from "@uaip/projections";
import type { StatusSource } from "@uaip/projector";
import type { Redis } from "ioredis";

/**
 * Every projection the hub runs: the PostgreSQL ones (checkpoints in `projection_checkpoints`)
 * and the Redis cache (its checkpoint in Redis; unreadable while Redis is down: reported at 0).
 */
export function projectionSources(redis: Redis, namespace: string): StatusSource[] {
  const key = cacheKeys(namespace).checkpoint;
  return [
    ...projections.map((p) => ({ name: p.name, stream: p.stream })),
    {
      name: "redis",
      stream: "devices",
      position: async () => {
        const stored = await redis.get(key).catch(() => null);
        return stored === null ? undefined : Number(stored);
      },
    },
  ];
}
