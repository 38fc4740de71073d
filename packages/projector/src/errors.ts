import { isNatsUnavailable } from "@uaip/platform";

const transientCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * Whether a failed batch should simply be retried (a store unreachable, a deadlock) rather
 * than treated as a poison event. PostgreSQL classes 08 (connection), 53 (resources),
 * 57 (operator intervention, e.g. shutdown) and 40 (serialization, deadlock) are
 * transient; so are socket errors and Redis/NATS connection errors.
 */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!e) return false;
  // NATS unreachable or JetStream not answering (a lookup of the stream's end, say).
  if (isNatsUnavailable(err)) return true;
  const code = typeof e.code === "string" ? e.code : "";
  if (transientCodes.has(code)) return true;
  if (/^(08|53|57|40)/.test(code) && code.length === 5) return true;
  const message = typeof e.message === "string" ? e.message : "";
  return /Connection terminated|connection timeout|timeout exceeded|Connection is closed|Stream isn't writeable|ECONNREFUSED|MaxRetriesPerRequest|CONNECTION_CLOSED|closed connection|READONLY|LOADING/i.test(
    message,
  );
}
