import type { ChainableCommander, Redis } from "ioredis";

/**
 * Queues one command per item on a pipeline and sends them all in one round trip. Throws the
 * first command's error, if any, after all have answered.
 */
export async function pipelined<T>(
  redis: Pick<Redis, "pipeline">,
  items: readonly T[],
  queue: (pipeline: ChainableCommander, item: T) => void,
): Promise<unknown[]> {
  if (items.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const item of items) queue(pipeline, item);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
