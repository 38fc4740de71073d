import { Hono } from "hono";
import { requestId } from "hono/request-id";
import type { ApiDeps } from "./deps.ts";
import { HttpProblem, problemResponse } from "./problem.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { healthRoutes } from "./routes/health.ts";

/** PostgreSQL error classes that mean "not reachable now", not "bad query". */
function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string };
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "57P01", "57P03", "08006", "08001"].includes(
      e.code ?? "",
    ) ||
    /timeout exceeded when trying to connect|Connection terminated/i.test(
      (err as Error).message ?? "",
    )
  );
}

/**
 * The HTTP API as a Hono app, with no socket: `app.request()` drives it in tests, and
 * `serve()` in server.ts puts it on a port.
 */
export function createApp(deps: ApiDeps): Hono {
  const app = new Hono();
  app.use(requestId());
  app.route("/health", healthRoutes(deps));
  app.route("/api/v1/devices", deviceRoutes(deps));

  app.notFound((c) =>
    problemResponse(c, {
      type: "https://uaip.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: `no route ${c.req.method} ${c.req.path}`,
    }),
  );
  // One place turns every error into problem+json; internals (stacks, SQL) stay in the log.
  app.onError((err, c) => {
    if (err instanceof HttpProblem) return problemResponse(c, err.problem);
    if (isUnavailable(err)) {
      return problemResponse(c, {
        type: "https://uaip.dev/problems/unavailable",
        title: "Service unavailable",
        status: 503,
        detail: "the read models' database is not reachable",
      });
    }
    deps.logger.error({ err, requestId: c.get("requestId") }, "unhandled error");
    return problemResponse(c, {
      type: "https://uaip.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: `request ${c.get("requestId")} failed; see the hub's log`,
    });
  });
  return app;
}
