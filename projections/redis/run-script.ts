import type { Redis } from "ioredis";
import type { LuaScript } from "./redis-scripts.ts";
import { redisSpan } from "./redis-span.ts";

/** The part of the client the scripts need. */
export type ScriptClient = Pick<Redis, "evalsha" | "eval">;

/**
 * Runs a script in one round trip: EVALSHA, and only if Redis answers NOSCRIPT (first use,
 * or after a restart or SCRIPT FLUSH) EVAL with the source, which also caches it. One span
 * (`redis script <name>`) for the call.
 */
export function runScript(
  redis: ScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  return redisSpan(
    `redis script ${script.name}`,
    { "db.operation.name": "EVALSHA", "uaip.redis.args": args.length },
    () => evalScript(redis, script, keys, args),
  );
}

async function evalScript(
  redis: ScriptClient,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (replyCode(err) !== "NOSCRIPT") throw err;
    return await redis.eval(script.source, keys.length, ...keys, ...args);
  }
}

/** The error code of a Redis error reply: its first word (`NOSCRIPT`, `WRONGTYPE`, …). */
export function replyCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== "ReplyError") return undefined;
  return err.message.split(" ", 1)[0];
}
