import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { HttpProblem, ProblemTypeBase, problemResponse } from "./problem.ts";

/**
 * Turns the errors a package knows into the problems it answers (`undefined` for any
 * other error). `c` is the request's context, for a log line naming its request id.
 *
 * @example
 * const writeProblem: ProblemMapping = (err) =>
 *   err instanceof DeviceExistsError ? problems.conflict(err.message) : undefined;
 */
export type ProblemMapping = (err: unknown, c: Context) => HttpProblem | undefined;

/** Where unexpected errors are written (a pino logger fits). */
export interface ErrorLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ErrorHandlerOptions {
  /** Tried in order on an error that is not already an HttpProblem; the first answer wins. */
  readonly problems?: readonly ProblemMapping[];
  /** Unexpected errors, with their stack, under the request id. Default: stderr. */
  readonly logger?: ErrorLog;
}

const stderrLog: ErrorLog = {
  error: (fields, message) => console.error(message, fields),
};

/**
 * The one place errors become responses: problem+json always, an HttpProblem as it says, an
 * error a mapping knows as the problem it maps to, Hono's own 4xx as such, and anything else
 * a 500 naming the request id, its internals (stack, SQL) only in the log.
 *
 * @example
 * app.onError(errorHandler({ problems: [writeProblem, replayProblem], logger }));
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  const mappings = options.problems ?? [];
  const logger = options.logger ?? stderrLog;
  return function onError(err: Error, c: Context): Response {
    let problem = err instanceof HttpProblem ? err : undefined;
    for (const map of mappings) problem ??= map(err, c);
    if (problem) return problemResponse(c, problem.problem, problem.headers);
    if (err instanceof HTTPException && err.status < 500) {
      return problemResponse(c, {
        type: `${ProblemTypeBase}http`,
        title: "Bad request",
        status: err.status,
        detail: err.message,
      });
    }
    logger.error({ err, requestId: c.get("requestId") }, "unhandled error");
    return problemResponse(c, {
      type: `${ProblemTypeBase}internal`,
      title: "Internal error",
      status: 500,
      detail: `request ${c.get("requestId")} failed; see the hub's log`,
    });
  };
}

/** A 404 problem for a method and path no route serves. */
export const routeNotFound: NotFoundHandler = (c) =>
  problemResponse(c, {
    type: `${ProblemTypeBase}not-found`,
    title: "Not found",
    status: 404,
    detail: `no route ${c.req.method} ${c.req.path}`,
  });
