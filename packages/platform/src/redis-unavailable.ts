import { ReplyError } from "ioredis";
import { socketErrorCodes } from "./postgres-unavailable.ts";

/**
 * ioredis's own "not connected" failures have no code, only these fixed texts (ioredis 5;
 * `MaxRetriesPerRequestError` is a class). Matched whole, never as patterns.
 */
const clientConnectionErrors: ReadonlySet<string> = new Set([
  "Connection is closed.",
  "Stream isn't writeable and enableOfflineQueue options is false",
  "connect ETIMEDOUT",
  "Command timed out",
]);

/** Redis error replies (their first word is the error code) meaning "not serving now". */
const unavailableReplies: ReadonlySet<string> = new Set([
  "LOADING",
  "READONLY",
  "MASTERDOWN",
  "TRYAGAIN",
  "CLUSTERDOWN",
]);

/**
 * Whether a Redis call failed because Redis is unreachable or not serving (down, loading
 * its data, a read-only replica after a failover), as opposed to a bad command or script.
 *
 * @example
 * const row = await redis.hgetall(key).catch((err) => { if (isRedisUnavailable(err)) return undefined; throw err; });
 */
export function isRedisUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === "MaxRetriesPerRequestError") return true;
    if (e instanceof ReplyError) return unavailableReplies.has(e.message.split(" ", 1)[0] ?? "");
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && socketErrorCodes.has(code)) return true;
    if (clientConnectionErrors.has(e.message)) return true;
  }
  return false;
}
