import type { Context, MiddlewareHandler } from "hono";
import type { RouteEnv } from "../define-route.ts";
import { problems } from "../problem.ts";

export interface DeadlineOptions<E extends RouteEnv = RouteEnv> {
  /** How long the rest of the chain may take, in ms. Default 15 000. */
  readonly ms?: number;
  /**
   * More time this request asked for on purpose (a long-poll's `?wait=`), read when the
   * deadline comes: once known, the deadline moves to `ms` plus it. Default: none.
   */
  readonly extraMs?: (c: Context<E>) => number;
  /** What the 503 says is likely at fault, after "no answer within N ms". */
  readonly reason?: string;
}

/**
 * A request deadline: the rest of the chain answers within `ms` (plus what `extraMs` grants),
 * or the request gets a 503 problem naming the deadline, never a hang. Work still running
 * then is left to finish; its answer is dropped.
 *
 * @example
 * app.use("/api/*", deadline({ ms: 15_000, reason: "the database is slow or unreachable" }));
 */
export function deadline<E extends RouteEnv = RouteEnv>(
  options: DeadlineOptions<E> = {},
): MiddlewareHandler<E> {
  const ms = options.ms ?? 15_000;
  const extraMs = options.extraMs ?? (() => 0);
  const reason = options.reason === undefined ? "" : `: ${options.reason}`;
  return async function deadlineMiddleware(c, next) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      const check = () => {
        const total = ms + extraMs(c);
        const left = total - (Date.now() - started);
        if (left > 0) timer = setTimeout(check, left);
        else reject(problems.unavailable(`no answer within ${total} ms${reason}`));
      };
      timer = setTimeout(check, ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
