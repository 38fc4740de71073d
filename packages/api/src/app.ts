import {
  httpTrace,
  mountRoutes,
  openApiDocument,
  type Route,
  type RouteEnv,
  urlGuard,
} from "@uaip/http-kit";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { apiRoutes } from "./api-routes.ts";
import { type ApiServices, apiServices } from "./api-services.ts";
import { dependencyProblems } from "./dependency-problems.ts";
import type { ApiDeps } from "./deps.ts";
import { readWaits, readyMaxLag } from "./metrics/api-metrics.ts";
import { useFleetMetricsSource } from "./metrics/fleet-metrics.ts";
import { httpMetrics } from "./metrics/http-metrics.ts";
import { useNatsMonitor } from "./metrics/nats-monitor-metrics.ts";
import { docsRoutes } from "./openapi/docs-routes.ts";

const tagDocs: Record<string, string> = {
  devices: "The fleet's devices: current state, history, telemetry, time travel",
  commands: "Commands sent to devices and their lifecycle",
  fleet: "Fleet-wide counts and the projections behind every answer",
  events: "Live device events",
  keys: "API keys (admin)",
  health: "Liveness, readiness, metrics",
  docs: "This document and its docs page",
};

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
 * `listen()` in server.ts puts it on a port. Its routes are mounted by @uaip/http-kit,
 * over this process's key store, checkpoints and NATS link.
 *
 * @example
 * const app = createApp({ namespace, db, redis, nc, jsm, logger, options: { auth: "off" } });
 * const res = await app.request("/api/v1/devices?status=online");
 */
export function createApp(deps: ApiDeps): Hono<RouteEnv> {
  const s = apiServices(deps);
  useFleetMetricsSource({ ...deps, db: s.db });
  useNatsMonitor(deps.natsMonitorUrl, deps.logger);
  readyMaxLag.set(s.options.readyMaxLagSeconds);
  let doc: Record<string, unknown> | undefined;
  const routes = allRoutes(s, () => {
    doc ??= openApiDocument(routes, {
      info: {
        title: "UAIP Hub API",
        version: "0.1.0",
        description:
          "The operators' API of UAIP Hub: queries over the projections of the event log, read-your-writes, live events, API keys. Errors are application/problem+json.",
      },
      tags: tagDocs,
      errors: {
        503: "A dependency is unreachable (`type` says which: postgres-unavailable, nats-unavailable), or a projection stayed behind `X-Min-Sequence`; retry after `Retry-After` seconds",
      },
    });
    return doc;
  });

  const app = new Hono<RouteEnv>();
  app.use(requestId());
  app.use(
    httpTrace({
      log: deps.logger.child({ component: "http" }),
      trustedProxies: s.options.trustedProxies,
    }),
  );
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
  mountRoutes(app, routes, {
    namespace: deps.namespace,
    ...(s.options.auth === "required" && { auth: s.gate }),
    bodyLimitBytes: s.options.bodyLimitBytes,
    requestTimeoutMs: s.options.requestTimeoutMs,
    timeoutReason: "the read models' database or NATS is slow or unreachable",
    waitForProjections: async (reads, minSeq) => {
      const started = performance.now();
      try {
        await s.checkpoints.require(reads, minSeq);
        readWaits.observe({ outcome: "caught_up" }, (performance.now() - started) / 1000);
      } catch (err) {
        readWaits.observe({ outcome: "behind" }, (performance.now() - started) / 1000);
        throw err;
      }
    },
    requireNats: () => s.nats.require(),
    problems: [dependencyProblems(deps.logger)],
    logger: deps.logger,
  });
  return app;
}
