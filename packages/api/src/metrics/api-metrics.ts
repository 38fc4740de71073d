import { Counter, collectDefaultMetrics, Gauge, Histogram, register } from "prom-client";

// Registered once per process in prom-client's default registry, beside the projector's
// metrics (uaip_messages_processed_total, uaip_rejected_events_total, uaip_projection_lag_seconds).

// prom-client's standard process and Node.js metrics, under their usual names, so stock
// dashboards and the Overview's CPU and event-loop panels read them:
// process_cpu_seconds_total, nodejs_eventloop_lag_seconds, nodejs_eventloop_lag_p99_seconds, ...
collectDefaultMetrics();
// Gauges named like counters (promtool rejects the `_total`); their per-type twins
// nodejs_active_handles / nodejs_active_requests / nodejs_active_resources stay.
for (const name of [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
])
  register.removeSingleMetric(name);

export const httpRequests = new Counter({
  name: "uaip_http_requests_total",
  help: "HTTP requests answered, by method, route (OpenAPI path) and status",
  labelNames: ["method", "route", "status"] as const,
});

export const httpDuration = new Histogram({
  name: "uaip_http_request_duration_seconds",
  help: "Time to answer an HTTP request (to the response headers for streams)",
  labelNames: ["method", "route"] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const cacheHits = new Counter({
  name: "uaip_cache_hits_total",
  help: "Reads answered from the Redis cache",
  labelNames: ["cache"] as const,
});

export const cacheMisses = new Counter({
  name: "uaip_cache_misses_total",
  help: "Reads the Redis cache could not answer (absent, or Redis unreachable), served by PostgreSQL",
  labelNames: ["cache"] as const,
});

export const dbQueryDuration = new Histogram({
  name: "uaip_db_query_duration_seconds",
  help: "Time of the API's PostgreSQL queries, by kind of statement",
  labelNames: ["operation"] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

export const sseConnections = new Gauge({
  name: "uaip_sse_connections",
  help: "Open Server-Sent Events streams",
});

export const sseDropped = new Counter({
  name: "uaip_sse_dropped_total",
  help: "Server-Sent Events clients dropped because they read too slowly",
});

export const readWaits = new Histogram({
  name: "uaip_read_wait_seconds",
  help: "Time reads with X-Min-Sequence waited for their projection, by outcome",
  labelNames: ["outcome"] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

// The alert on projection lag compares against this, so it follows the hub's READY_MAX_LAG_S.
export const readyMaxLag = new Gauge({
  name: "uaip_ready_max_lag_seconds",
  help: "READY_MAX_LAG_S: the projection lag past which /health/ready reports not ready",
});
