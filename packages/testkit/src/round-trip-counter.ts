import type { Redis } from "ioredis";

/** How many times a client wrote to its socket since it was started or reset. */
export interface RoundTripCounter extends Disposable {
  readonly count: number;
  reset(): void;
}

/**
 * Counts the writes a client makes to its socket. ioredis writes each command on its own as
 * it is sent and a whole pipeline in one write, so for code that awaits each reply before
 * sending more this counts round trips: a batch operation shows 1, a loop over 100 ids 100.
 * Observes the real client (every command still goes to Redis); for specs and benchmarks.
 *
 * @example
 * using trips = countRoundTrips(redis);
 * await cache.getDevices(ids);
 * trips.count; // 1
 */
export function countRoundTrips(redis: Redis): RoundTripCounter {
  const stream = redis.stream;
  const write = stream.write;
  let count = 0;
  stream.write = function (this: typeof stream, ...args: Parameters<typeof write>) {
    count++;
    return write.apply(this, args);
  } as typeof write;
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
    [Symbol.dispose]() {
      stream.write = write;
    },
  };
}
