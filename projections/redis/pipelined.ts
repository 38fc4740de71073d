import type { ChainableCommander, Redis } from "ioredis";
import { redisSpan } from "./redis-span.ts";

/**
 * Queues one command per item on a pipeline and sends them all in one round trip. Throws the
 * first command's error, if any, after all have answered. One span (`redis pipeline`) for
 * the round trip.
 */
export async function pipelined<T>(
  redis: Pick<Redis, "pipeline">,
  items: readonly T[],
  queue: (pipeline: ChainableCommander, item: T) => void,
): Promise<unknown[]> {
  if (items.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const item of items) queue(pipeline, item);
  // Inside the span, so a command's error reply marks the round trip failed.
  return redisSpan("redis pipeline", { "db.operation.batch.size": items.length }, async () => {
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
  });
}
