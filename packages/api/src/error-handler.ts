import type { Logger } from "@uaip/platform";
import { isNatsUnavailable } from "@uaip/platform";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { isDatabaseUnavailable } from "./database-errors.ts";
import { HttpProblem, problemResponse, problems } from "./problem.ts";

/**
 * The one place errors become responses: problem+json always, internals (stacks, SQL) only
 * in the log, under the request id the response carries.
 */
export function errorHandler(logger: Logger) {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof HttpProblem) return problemResponse(c, err.problem, err.headers);
    if (isDatabaseUnavailable(err)) {
      logger.warn({ err: err.message, requestId: c.get("requestId") }, "PostgreSQL unavailable");
      const p = problems.postgresUnavailable("it refused the connection or did not answer in time");
      return problemResponse(c, p.problem, p.headers);
    }
    if (isNatsUnavailable(err)) {
      logger.warn({ err: err.message, requestId: c.get("requestId") }, "NATS unavailable");
      const p = problems.natsUnavailable(`${err.name}: ${err.message}`);
      return problemResponse(c, p.problem, p.headers);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, {
        type: "https://uaip.dev/problems/http",
        title: "Bad request",
        status: err.status,
        detail: err.message,
      });
    }
    logger.error({ err, requestId: c.get("requestId") }, "unhandled error");
    return problemResponse(c, {
      type: "https://uaip.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: `request ${c.get("requestId")} failed; see the hub's log`,
    });
  };
}
