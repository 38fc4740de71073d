import { recordSpans } from "@uaip/telemetry/testing";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { keyGate } from "../auth/key-gate.ts";
import { defineRoute, type RouteEnv } from "../define-route.ts";
import { mountRoutes } from "../mount-routes.ts";
import { type AccessLog, httpTrace } from "./http-trace.ts";

const routes = [
  defineRoute({
    method: "get",
    path: "/api/v1/things/{id}",
    operationId: "getThing",
    summary: "one thing",
    tag: "things",
    scope: "read",
    params: v.object({ id: v.string() }),
    responses: { 200: { description: "the thing" } },
    handler: (c, { params }) => {
      if (params.id === "broken") throw new Error("disk on fire");
      return c.json({ id: params.id });
    },
  }),
];

function appWithLog() {
  const lines: { level: "info" | "error"; fields: Record<string, unknown>; msg: string }[] = [];
  const log: AccessLog = {
    info: (fields, msg) => lines.push({ level: "info", fields, msg }),
    error: (fields, msg) => lines.push({ level: "error", fields, msg }),
  };
  const app = new Hono<RouteEnv>().use(requestId()).use(httpTrace({ log }));
  mountRoutes(app, routes, {
    namespace: "uaip",
    auth: keyGate({
      keys: {
        verify: async (key) =>
          key === "secret-key" ? { id: "key_1", name: "ops", scopes: ["read"] } : undefined,
        isKnown: () => false,
      },
    }),
    logger: { error: () => {} },
  });
  return { app, lines };
}

const auth = { authorization: "Bearer secret-key" };

describe("httpTrace", () => {
  it("http trace - one line per request with the route template, status, key id and duration", async () => {
    const { app, lines } = appWithLog();
    await app.request("/api/v1/things/t1", { headers: auth });
    await app.request("/api/v1/things/t2");
    await app.request("/nowhere");
    expect(lines.map((l) => [l.level, l.msg, l.fields.status, l.fields.route])).toEqual([
      ["info", "request", 200, "/api/v1/things/:id"],
      ["info", "request", 401, "/api/v1/things/:id"],
      ["info", "request", 404, null],
    ]);
    const first = lines[0]!.fields;
    expect(Object.keys(first)).toEqual([
      "method",
      "route",
      "path",
      "status",
      "durationMs",
      "requestId",
      "keyId",
      "client",
    ]);
    expect(first).toMatchObject({
      method: "GET",
      path: "/api/v1/things/t1",
      keyId: "key_1",
      client: "in-process",
    });
    expect(typeof first.requestId).toBe("string");
    expect(first.durationMs).toBe(Math.round((first.durationMs as number) * 100) / 100);
    expect(lines[1]!.fields.keyId).toBeNull();
  });

  it("http trace - a 5xx is logged at error level", async () => {
    const { app, lines } = appWithLog();
    const res = await app.request("/api/v1/things/broken", { headers: auth });
    expect(res.status).toBe(500);
    expect(lines).toMatchObject([{ level: "error", fields: { status: 500 } }]);
  });

  it("http trace - a server span named after the route continues the caller's traceparent, never holding the key", async () => {
    await using spans = recordSpans();
    const { app } = appWithLog();
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await app.request("/api/v1/things/t1", {
      headers: { ...auth, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    await app.request("/api/v1/things/broken", { headers: auth });
    const [ok, failed] = spans.named("HTTP GET /api/v1/things/:id");
    expect(ok?.spanContext().traceId).toBe(traceId);
    expect(ok?.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    expect(ok?.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/api/v1/things/:id",
      "http.response.status_code": 200,
      "url.path": "/api/v1/things/t1",
      "uaip.api_key.id": "key_1",
    });
    expect(JSON.stringify(ok?.attributes)).not.toContain("secret-key");
    expect(failed?.status.code).toBe(2);
    expect(failed?.spanContext().traceId).not.toBe(traceId);
  });
});
