import { createServer, type Server, type Socket } from "node:net";
import { createEvent } from "@uaip/events";
import { defineRoute, mountRoutes, type RouteEnv } from "@uaip/http-kit";
import { createDatabase } from "@uaip/platform";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiOptions } from "./api-options.ts";
import { apiServices } from "./api-services.ts";
import { createApp } from "./app.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "./testing/api-test-hub.ts";

let h: ApiTestHub;
let blackHole: Server;
const sockets = new Set<Socket>();
let blackHolePort = 0;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" }, { redisProjection: false });
  await h.publishAndWait(sampleDevice("e-1"));
  // A "PostgreSQL" that accepts connections and never answers: the hung-database case.
  blackHole = createServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  await new Promise<void>((r) => blackHole.listen(0, "127.0.0.1", () => r()));
  blackHolePort = (blackHole.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  blackHole?.close();
  await h?.close();
});

function appOver(databaseUrl: string, options: Partial<ApiOptions> = {}) {
  const t = h.t;
  const db = createDatabase(databaseUrl, { namespace: t.namespace, max: 2 });
  const app = createApp({
    namespace: t.namespace,
    db,
    redis: t.redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    options: { auth: "off", ...options },
  });
  return { app, db };
}

const expectNoInternals = (text: string) => {
  expect(text).not.toMatch(/ at |\.ts:\d+|select |SELECT |from "|node_modules/);
};

describe("errors", () => {
  it("errors - PostgreSQL down: 503 problem with the reason, at once, no internals", async () => {
    const { app, db } = appOver("postgres://postgres@127.0.0.1:1/uaip");
    for (const path of ["/api/v1/devices", "/api/v1/stats", "/api/v1/devices/e-1/history"]) {
      const started = Date.now();
      const res = await app.request(path);
      expect(res.status, path).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("retry-after")).toBe("1");
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({
        status: 503,
        title: "Service unavailable",
        detail: expect.stringContaining("PostgreSQL"),
      });
      expectNoInternals(text);
    }
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "not ready",
      components: { postgres: { status: "down" } },
    });
    await db.destroy();
  });

  it("errors - PostgreSQL hanging: 503 at the request deadline, never a hang", async () => {
    const { app, db } = appOver(`postgres://postgres@127.0.0.1:${blackHolePort}/uaip`, {
      requestTimeoutMs: 800,
    });
    const started = Date.now();
    const res = await app.request("/api/v1/devices");
    const took = Date.now() - started;
    expect(res.status).toBe(503);
    expect(took).toBeGreaterThanOrEqual(750);
    expect(took).toBeLessThan(3_000);
    expect(((await res.json()) as { detail: string }).detail).toContain("no answer within 800 ms");
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    void db.destroy().catch(() => {}); // pending connects end at their own timeout
  });

  it("errors - an unexpected error is a 500 problem naming the request id, with nothing internal", async () => {
    const t = h.t;
    const s = apiServices({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
      options: { auth: "off" },
    });
    const app = new Hono<RouteEnv>();
    app.use(requestId());
    mountRoutes(
      app,
      [
        defineRoute({
          method: "get",
          path: "/boom",
          operationId: "boom",
          summary: "fails",
          tag: "test",
          scope: null,
          responses: { 200: { description: "never" } },
          handler: async () => {
            await s.db
              .selectFrom("devices" as never)
              .select("no_such_column" as never)
              .execute();
            return new Response();
          },
        }),
      ],
      // The kit's error handler, as the API's app has it.
      { namespace: t.namespace, logger: t.logger },
    );
    const res = await app.request("/boom", { headers: { "x-request-id": "req-42" } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      type: "https://uaip.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "request req-42 failed; see the hub's log",
    });
    expectNoInternals(text);
  });

  it("errors - an unknown route is a 404 problem", async () => {
    const res = await h.app.request("/api/v1/nothing-here", { method: "PUT" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      status: 404,
      detail: "no route PUT /api/v1/nothing-here",
    });
  });
});

describe("health", () => {
  it("health - ready reports each component and each projection's lag; 503 once a projection lags past the threshold", async () => {
    const ready = await h.app.request("/health/ready");
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      components: { projections: Record<string, { status: string }> };
    };
    expect(Object.keys(body.components.projections).sort()).toEqual([
      "commands",
      "device_status_history",
      "devices",
      "telemetry",
    ]);

    const devices = h.projectors.find((p) => p.name === "devices")!;
    await devices.stop();
    await h.t.publish(createEvent("device.status_changed", "e-1", { status: "offline" }));
    await new Promise((r) => setTimeout(r, 1_200));
    const t = h.t;
    const strict = createApp({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
      options: { auth: "off", readyMaxLagSeconds: 1 },
    });
    const lagging = await strict.request("/health/ready");
    expect(lagging.status).toBe(503);
    const lb = (await lagging.json()) as {
      components: {
        projections: Record<string, { status: string; pending: number; error?: string }>;
      };
    };
    expect(lb.components.projections.devices).toMatchObject({
      status: "down",
      pending: 1,
      error: expect.stringContaining("threshold 1 s"),
    });
    expect(lb.components.projections.device_status_history?.status).toBe("up");
    expect((await strict.request("/health/live")).status).toBe(200);
  });

  it("health - ready is 503 while a projection's checkpoint belongs to another stream instance", async () => {
    const { rows } = await sql<{ position: number }>`
      UPDATE projection_checkpoints SET position = position + 1000, stream_id = NULL
       WHERE name = 'commands' RETURNING position`.execute(h.t.db);
    try {
      const ready = await h.app.request("/health/ready");
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as {
        components: { projections: Record<string, { status: string; error?: string }> };
      };
      expect(body.components.projections.commands).toMatchObject({
        status: "down",
        error: expect.stringContaining(`checkpoint ${rows[0]?.position} is past the last sequence`),
      });
    } finally {
      await sql`UPDATE projection_checkpoints SET position = position - 1000 WHERE name = 'commands'`.execute(
        h.t.db,
      );
    }
  });
});
