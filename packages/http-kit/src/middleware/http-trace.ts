import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { MiddlewareHandler } from "hono";
import { clientAddress } from "../auth/client-address.ts";
import type { RouteEnv } from "../define-route.ts";
import { honoPath } from "../mount-routes.ts";

/** Where the access log goes: a pino logger (child `component: "http"`) fits. */
export interface AccessLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface HttpTraceOptions {
  /** Gets one `request` line per request; absent: spans only. */
  readonly log?: AccessLog;
  /** Proxies whose `X-Forwarded-For` names the client (see clientAddress). */
  readonly trustedProxies?: readonly string[];
}

const headerGetter = {
  get: (h: Headers, key: string) => h.get(key) ?? undefined,
  keys: (h: Headers) => [...h.keys()],
};

// Looked up per use, not once: a provider registered later (or again, in tests and the
// benchmark) is the one that records.
const tracer = () => trace.getTracer("@uaip/http-kit");

/**
 * One server span and one access-log line per request. The span (`HTTP GET
 * /api/v1/devices/:id`) continues a W3C `traceparent` the client sent and carries the
 * method, route template, path, status, request id and the verified key's id (never the
 * key); 5xx marks it an error. The line, written inside the span so it carries `trace_id`
 * and `span_id`, is `{"msg":"request","method","route","path","status","durationMs",
 * "requestId","keyId","client"}`: level info below 500, error from 500. Install it first
 * after `requestId()` so it sees every answer, errors and 404s included.
 *
 * @example
 * app.use(requestId()).use(httpTrace({ log: logger.child({ component: "http" }) }));
 */
export function httpTrace(options: HttpTraceOptions = {}): MiddlewareHandler<RouteEnv> {
  const { log } = options;
  const proxies = options.trustedProxies ?? [];
  return async function httpTraceMiddleware(c, next) {
    const started = performance.now();
    const method = c.req.method;
    const parent = propagation.extract(context.active(), c.req.raw.headers, headerGetter);
    await tracer().startActiveSpan(
      `HTTP ${method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { "http.request.method": method, "url.path": c.req.path },
      },
      parent,
      async (span) => {
        try {
          await next();
        } finally {
          const declared = c.get("route");
          const route = declared ? honoPath(declared) : null;
          const status = c.res.status;
          const keyId = c.get("apiKey")?.id ?? null;
          const client = clientAddress(c, proxies);
          if (span.isRecording()) {
            span.updateName(`HTTP ${method} ${route ?? "(no route)"}`);
            span.setAttributes({
              "http.response.status_code": status,
              "client.address": client,
              "uaip.request_id": c.get("requestId") ?? "",
              ...(route && { "http.route": route }),
              ...(keyId && { "uaip.api_key.id": keyId }),
            });
            if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
          if (log) {
            const fields = {
              method,
              route,
              path: c.req.path,
              status,
              durationMs: Math.round((performance.now() - started) * 100) / 100,
              requestId: c.get("requestId") ?? null,
              keyId,
              client,
            };
            if (status >= 500) log.error(fields, "request");
            else log.info(fields, "request");
          }
        }
      },
    );
  };
}
