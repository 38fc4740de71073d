import type { RouteEnv } from "@uaip/http-kit";
import type { MiddlewareHandler } from "hono";
import { httpDuration, httpRequests } from "./api-metrics.ts";

type Children = {
  readonly count: { inc(): void };
  readonly duration: { observe(value: number): void };
};

/**
 * Counts and times every request by method, route (its OpenAPI path, so ids do not explode
 * the label set; `unmatched` for 404s) and status. The labelled children are kept per
 * combination, sparing a label hash per request on the hot path.
 */
export function httpMetrics(): MiddlewareHandler<RouteEnv> {
  const children = new Map<string, Children>();
  return async function httpMetricsMiddleware(c, next) {
    const started = performance.now();
    await next();
    const method = c.req.method;
    const route = c.get("route") ?? "unmatched";
    const status = String(c.res.status);
    const key = `${method} ${route} ${status}`;
    let child = children.get(key);
    if (!child) {
      child = {
        count: httpRequests.labels({ method, route, status }),
        duration: httpDuration.labels({ method, route }),
      };
      children.set(key, child);
    }
    child.count.inc();
    child.duration.observe((performance.now() - started) / 1000);
  };
}
