import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { apiRoutes } from "./api-routes.ts";
import { type ApiServices, apiServices } from "./api-services.ts";
import type { ApiDeps } from "./deps.ts";
import { errorHandler } from "./error-handler.ts";
import { useFleetMetricsSource } from "./metrics/fleet-metrics.ts";
import { httpMetrics } from "./metrics/http-metrics.ts";
import { mountRoutes } from "./mount-routes.ts";
import { docsRoutes } from "./openapi/docs-routes.ts";
import { openApiDocument } from "./openapi/openapi-document.ts";
import { problemResponse } from "./problem.ts";
import type { ApiEnv, Route } from "./route-spec.ts";
import { urlGuard } from "./url-guard.ts";

/**
 * Every route this app serves: the API's, those given in `deps.routes`, the docs. A method
 * and path declared twice is a startup error, not a silently shadowed route.
 */
export function allRoutes(s: ApiServices, document: () => Record<string, unknown>): Route[] {
  const routes = [...apiRoutes(s), ...(s.deps.routes?.(s) ?? []), ...docsRoutes(document)];
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method.toUpperCase()} ${r.path}`;
    if (seen.has(key)) throw new Error(`API route ${key} is declared twice`);
    seen.add(key);
  }
  return routes;
}

/**
 * The HTTP API as a Hono app, with no socket: `app.request()` drives it in tests, and
 * `listen()` in server.ts puts it on a port.
 *
 * @example
 * const app = createApp({ namespace, db, redis, nc, jsm, logger, options: { auth: "off" } });
 * const res = await app.request("/api/v1/devices?status=online");
 */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  const s = apiServices(deps);
  useFleetMetricsSource({ ...deps, db: s.db });
  let doc: Record<string, unknown> | undefined;
  const routes = allRoutes(s, () => {
    doc ??= openApiDocument(routes, {
      title: "UAIP Hub API",
      version: "0.1.0",
      description:
        "The operators' API of UAIP Hub: queries over the projections of the event log, read-your-writes, live events, API keys. Errors are application/problem+json.",
    });
    return doc;
  });

  const app = new Hono<ApiEnv>();
  app.use(requestId());
  app.use(httpMetrics());
  app.use(urlGuard());
  if (s.options.corsOrigins.length > 0) {
    const origins = [...s.options.corsOrigins];
    app.use(
      cors({
        origin: origins.includes("*") ? "*" : origins,
        allowHeaders: [
          "Authorization",
          "X-API-Key",
          "Content-Type",
          "X-Min-Sequence",
          "Last-Event-ID",
        ],
        exposeHeaders: ["X-Request-Id", "Retry-After"],
        maxAge: 600,
      }),
    );
  }
  mountRoutes(app, routes, s);
  app.notFound((c) =>
    problemResponse(c, {
      type: "https://uaip.dev/problems/not-found",
      title: "Not found",
      status: 404,
      detail: `no route ${c.req.method} ${c.req.path}`,
    }),
  );
  app.onError(errorHandler(deps.logger));
  return app;
}
