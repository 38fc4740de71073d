import type { Logger } from "@uaip/platform";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { HttpProblem, problemResponse } from "./problem.ts";

/** PostgreSQL (pg) errors that mean "not reachable now", not "bad query". */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "57P01",
      "57P03",
      "57014",
      "08006",
      "08001",
      "08003",
    ].includes(e.code ?? "") ||
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout|driver has already been destroyed/i.test(
      e.message ?? "",
    )
  );
}

/** nats.js errors that mean the event log cannot be reached now. */
function isNatsUnavailable(err: unknown): boolean {
  const name = (err as { name?: string }).name ?? "";
  return [
    "TimeoutError",
    "ClosedConnectionError",
    "NoRespondersError",
    "RequestError",
    "DrainingConnectionError",
    "ConnectionError",
  ].includes(name);
}

/**
 * The one place errors become responses: problem+json always, internals (stacks, SQL) only
 * in the log, under the request id the response carries.
 */
export function errorHandler(logger: Logger) {
  return function onError(err: Error, c: Context): Response {
    if (err instanceof HttpProblem) return problemResponse(c, err.problem, err.headers);
    const unavailable = (detail: string) =>
      problemResponse(
        c,
        {
          type: "https://uaip.dev/problems/unavailable",
          title: "Service unavailable",
          status: 503,
          detail,
        },
        { "retry-after": "1" },
      );
    if (isDatabaseUnavailable(err)) {
      logger.warn({ err: err.message, requestId: c.get("requestId") }, "PostgreSQL unavailable");
      return unavailable(
        "the read models' database (PostgreSQL) is not reachable or did not answer in time",
      );
    }
    if (isNatsUnavailable(err)) {
      logger.warn({ err: err.message, requestId: c.get("requestId") }, "NATS unavailable");
      return unavailable(
        "the event log (NATS JetStream) is not reachable or did not answer in time",
      );
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
