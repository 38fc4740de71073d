import { HttpProblem, type ProblemMapping, ProblemTypeBase } from "@uaip/http-kit";
import { isNatsUnavailable, isPostgresUnavailable, type Logger } from "@uaip/platform";

/** The event log cannot be reached: routes that read or append it answer this at once. */
export function natsUnavailable(detail: string, retryAfterSeconds = 2): HttpProblem {
  return new HttpProblem(
    {
      type: `${ProblemTypeBase}nats-unavailable`,
      title: "Service unavailable",
      status: 503,
      detail: `the event log (NATS JetStream) is not reachable: ${detail}`,
      component: "nats",
    },
    { "retry-after": String(retryAfterSeconds) },
  );
}

/** The read models' database cannot be reached. */
export function postgresUnavailable(detail: string, retryAfterSeconds = 1): HttpProblem {
  return new HttpProblem(
    {
      type: `${ProblemTypeBase}postgres-unavailable`,
      title: "Service unavailable",
      status: 503,
      detail: `the read models' database (PostgreSQL) is not reachable: ${detail}`,
      component: "postgres",
    },
    { "retry-after": String(retryAfterSeconds) },
  );
}

/**
 * The API's own errors for the error handler: PostgreSQL or NATS unreachable is a 503 with
 * the reason (logged as a warning under the request id), never a 500.
 *
 * @example
 * mountRoutes(app, routes, { namespace, problems: [dependencyProblems(logger)] });
 */
export function dependencyProblems(logger: Logger): ProblemMapping {
  return (err, c) => {
    if (isPostgresUnavailable(err)) {
      logger.warn(
        { err: (err as Error).message, requestId: c.get("requestId") },
        "PostgreSQL unavailable",
      );
      return postgresUnavailable("it refused the connection or did not answer in time");
    }
    if (isNatsUnavailable(err)) {
      const e = err as Error;
      logger.warn({ err: e.message, requestId: c.get("requestId") }, "NATS unavailable");
      return natsUnavailable(`${e.name}: ${e.message}`);
    }
    return undefined;
  };
}
