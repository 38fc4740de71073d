import { defineRoute, type Route } from "@uaip/http-kit";
import { register } from "prom-client";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";

/** `/metrics`: prom-client's default registry, the projector's metrics and the API's together. */
export function metricsRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/metrics",
      operationId: "metrics",
      summary: "Prometheus metrics",
      description:
        "Text exposition format: HTTP, cache, database, SSE, fleet and command counts, queue depth per projection, projection lag, rejected events, dispatcher, NATS reconnects, process CPU, memory and event-loop lag, and (with NATS_MONITOR_URL) the NATS server's figures.",
      tag: "health",
      scope: s.options.metricsAuth ? "read" : null,
      responses: {
        200: { description: "The metrics", contentType: "text/plain", schema: v.string() },
      },
      handler: async (c) =>
        c.body(await register.metrics(), 200, { "content-type": register.contentType }),
    }),
  ];
}
