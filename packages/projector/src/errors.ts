import {
  isNatsUnavailable,
  isPostgresConflict,
  isPostgresUnavailable,
  isRedisUnavailable,
} from "@uaip/platform";

/**
 * Whether a failed batch should simply be retried (a store or NATS unreachable, a deadlock)
 * rather than treated as a poison event: the platform's predicates, by error codes and
 * classes, never by a query's message text.
 *
 * @example
 * catch (err) { if (isTransient(err)) return retryLater(); throw err; }
 */
export function isTransient(err: unknown): boolean {
  return (
    isPostgresUnavailable(err) ||
    isPostgresConflict(err) ||
    isRedisUnavailable(err) ||
    isNatsUnavailable(err)
  );
}

/** Another process pulled from this worker's consumer: stop and start over from the checkpoint. */
export class ConsumerTakenError extends Error {
  override readonly name = "ConsumerTakenError";
}
