import { JetStreamApiError, JetStreamError } from "@nats-io/jetstream";
import { errors } from "@nats-io/transport-node";

const connectionErrors = [
  errors.TimeoutError,
  errors.ClosedConnectionError,
  errors.DrainingConnectionError,
  errors.ConnectionError,
  errors.RequestError,
  errors.NoRespondersError,
] as const;

/**
 * Whether a nats.js error means "the event log cannot be reached now" (no connection, no
 * answer in time, no JetStream responding), as opposed to a bad request. Branches on the
 * error classes and JetStream's status code, never on message text; follows `cause`.
 */
export function isNatsUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (connectionErrors.some((cls) => e instanceof cls)) return true;
    // 503: no JetStream responded (not enabled, no leader), or it says it is unavailable.
    if (e instanceof JetStreamApiError && e.status === 503) return true;
    if (e instanceof JetStreamError && (e as { code?: unknown }).code === 503) return true;
    // The one JetStream error class the package does not export.
    if (e.name === "JetStreamNotEnabled") return true;
  }
  return false;
}
