import { defineRoute, type Scope } from "@uaip/http-kit";
import { waitFor } from "@uaip/testkit";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiOptions } from "../api-options.ts";
import { createApp } from "../app.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys.ts";

let h: ApiTestHub;
const keys = {} as Record<"read" | "write" | "admin" | "readWrite" | "all" | "revoked", string>;

beforeAll(async () => {
  h = await startApiTestHub({}, { redisProjection: false });
  await h.publishAndWait(sampleDevice("auth-1"));
  keys.read = await h.key("read");
  keys.write = await h.key("write");
  keys.admin = await h.key("admin");
  keys.readWrite = await h.key("read", "write");
  keys.all = await h.key("read", "write", "admin");
  const revoked = await createApiKey(h.t.db, { name: "old", scopes: ["read", "write", "admin"] });
  await revokeApiKey(h.t.db, revoked.id);
  keys.revoked = revoked.key;
});
afterAll(() => h?.close());

function appWith(options: Partial<ApiOptions>) {
  const t = h.t;
  return createApp({
    namespace: t.namespace,
    db: t.db,
    redis: t.redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    options,
  });
}

const testWrite = defineRoute({
  method: "post",
  path: "/api/v1/test-writes",
  operationId: "testWrite",
  summary: "test",
  tag: "test",
  scope: "write",
  body: v.object({ n: v.number() }),
  responses: { 202: { description: "accepted" } },
  handler: (c, { body }) => c.json({ accepted: body.n }, 202),
});

/** A write route, as the write side declares them, given to the app through `deps.routes`. */
function writeApp() {
  const t = h.t;
  return createApp({
    namespace: t.namespace,
    db: t.db,
    redis: t.redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    routes: () => [testWrite],
  });
}

type Call = {
  app: () => { request: ReturnType<typeof createApp>["request"] };
  method: string;
  path: string;
  body?: unknown;
  ok: number;
};
const send = (call: Call, key?: string) =>
  call.app().request(call.path, {
    method: call.method,
    headers: {
      ...(key !== undefined && { authorization: `Bearer ${key}` }),
      ...(call.body !== undefined && { "content-type": "application/json" }),
    },
    ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
  });

const groups: {
  name: string;
  scope: Scope;
  wrong: keyof typeof keys;
  right: keyof typeof keys;
  calls: Call[];
}[] = [
  {
    name: "read",
    scope: "read",
    wrong: "write",
    right: "read",
    calls: [
      { app: () => h.app, method: "GET", path: "/api/v1/devices", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/devices/auth-1", ok: 200 },
      {
        app: () => h.app,
        method: "POST",
        path: "/api/v1/devices:batchGet",
        body: { ids: ["auth-1"] },
        ok: 200,
      },
      { app: () => h.app, method: "GET", path: "/api/v1/devices/auth-1/history", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/devices/auth-1/telemetry", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/devices/auth-1/commands", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/devices/auth-1/state", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/commands/c-1", ok: 404 },
      { app: () => h.app, method: "GET", path: "/api/v1/stats", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/projections", ok: 200 },
      { app: () => h.app, method: "GET", path: "/api/v1/events?limit=1", ok: 200 },
    ],
  },
  {
    name: "write",
    scope: "write",
    wrong: "read",
    right: "write",
    calls: [
      { app: writeApp, method: "POST", path: "/api/v1/test-writes", body: { n: 1 }, ok: 202 },
    ],
  },
  {
    name: "admin",
    scope: "admin",
    wrong: "readWrite",
    right: "admin",
    calls: [
      { app: () => h.app, method: "GET", path: "/api/v1/keys", ok: 200 },
      {
        app: () => h.app,
        method: "POST",
        path: "/api/v1/keys",
        body: { name: "x", scopes: ["read"] },
        ok: 201,
      },
      { app: () => h.app, method: "DELETE", path: "/api/v1/keys/key_000000", ok: 404 },
    ],
  },
  {
    name: "operations (protected by option)",
    scope: "read",
    wrong: "admin",
    right: "read",
    calls: [
      {
        app: () => appWith({ metricsAuth: true, healthAuth: true }),
        method: "GET",
        path: "/metrics",
        ok: 200,
      },
      {
        app: () => appWith({ metricsAuth: true, healthAuth: true }),
        method: "GET",
        path: "/health/live",
        ok: 200,
      },
      {
        app: () => appWith({ metricsAuth: true, healthAuth: true }),
        method: "GET",
        path: "/health/ready",
        ok: 200,
      },
    ],
  },
];

describe("auth matrix", () => {
  for (const g of groups) {
    it(`auth - ${g.name} routes: no key 401, unknown 401, revoked 401, wrong scope 403, "${g.scope}" scope ok`, async () => {
      for (const call of g.calls) {
        const where = `${call.method} ${call.path}`;
        const none = await send(call);
        expect(none.status, where).toBe(401);
        expect(none.headers.get("www-authenticate"), where).toContain("Bearer");
        expect((await send(call, "uaip_not-a-real-key")).status, where).toBe(401);
        expect((await send(call, keys.revoked)).status, where).toBe(401);
        const wrong = await send(call, keys[g.wrong]);
        expect(wrong.status, where).toBe(403);
        expect(await wrong.json(), where).toMatchObject({ requiredScope: g.scope });
        expect((await send(call, keys[g.right])).status, where).toBe(call.ok);
      }
    });
  }

  it("auth - routes given through deps.routes are documented; one declared twice stops the app", async () => {
    const doc = (await (await writeApp().request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(doc.paths["/api/v1/test-writes"]).toMatchObject({
      post: { security: [{ bearerAuth: ["write"] }, { apiKeyHeader: ["write"] }] },
    });
    const t = h.t;
    expect(() =>
      createApp({
        namespace: t.namespace,
        db: t.db,
        redis: t.redis,
        nc: t.nc,
        jsm: t.jsm,
        logger: t.logger,
        routes: () => [testWrite, testWrite],
      }),
    ).toThrow("API route POST /api/v1/test-writes is declared twice");
  });

  it("auth - the SSE stream needs a read key too", async () => {
    expect((await h.app.request("/api/v1/stream")).status).toBe(401);
    expect(
      (await h.app.request("/api/v1/stream", { headers: { "x-api-key": keys.write } })).status,
    ).toBe(403);
    const ok = await h.app.request("/api/v1/stream", { headers: { "x-api-key": keys.read } });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
  });

  it("auth - health, metrics, the document and the docs page are open by default", async () => {
    for (const path of ["/health/live", "/health/ready", "/metrics", "/openapi.json", "/docs"]) {
      expect((await h.app.request(path)).status, path).toBe(200);
    }
  });

  it("auth - turned off, every route answers without a key", async () => {
    const open = appWith({ auth: "off" });
    expect((await open.request("/api/v1/devices/auth-1")).status).toBe(200);
    expect((await open.request("/api/v1/keys")).status).toBe(200);
  });

  it("auth - X-API-Key works like Authorization: Bearer; a malformed Authorization header is 401", async () => {
    expect(
      (await h.app.request("/api/v1/stats", { headers: { "x-api-key": keys.read } })).status,
    ).toBe(200);
    expect(
      (await h.app.request("/api/v1/stats", { headers: { authorization: "Basic abc" } })).status,
    ).toBe(401);
  });
});

describe("API keys", () => {
  it("keys - created over HTTP, shown once, listed without secret, revoked at once in this process", async () => {
    const created = await h.app.request("/api/v1/keys", {
      method: "POST",
      headers: { authorization: `Bearer ${keys.admin}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "dashboard", scopes: ["read"] }),
    });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; scopes: string[] };
    expect(key.key).toMatch(/^uaip_[A-Za-z0-9_-]{43}$/);
    const stats = () =>
      h.app.request("/api/v1/stats", { headers: { authorization: `Bearer ${key.key}` } });
    expect((await stats()).status).toBe(200);
    // Use is recorded off the request path.
    await waitFor(async () => (await listApiKeys(h.t.db)).find((k) => k.id === key.id)?.lastUsedAt);

    const list = await h.app.request("/api/v1/keys", {
      headers: { authorization: `Bearer ${keys.admin}` },
    });
    const listed = ((await list.json()) as { items: Record<string, unknown>[] }).items.find(
      (k) => k.id === key.id,
    )!;
    expect(listed).toMatchObject({ name: "dashboard", scopes: ["read"], revokedAt: null });
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed)).not.toContain(key.key);
    expect(listed).not.toHaveProperty("hash");

    const revoked = await h.app.request(`/api/v1/keys/${key.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${keys.admin}` },
    });
    expect(((await revoked.json()) as { revokedAt: string }).revokedAt).toEqual(expect.any(String));
    expect((await stats()).status).toBe(401);
  });

  it("keys - bad names or scopes are 400 naming the field", async () => {
    const post = (body: unknown) =>
      h.app.request("/api/v1/keys", {
        method: "POST",
        headers: { authorization: `Bearer ${keys.admin}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const badScope = (await (await post({ name: "x", scopes: ["read", "root"] })).json()) as {
      errors: { field: string }[];
    };
    expect(badScope.errors[0]?.field).toBe("scopes.1");
    const noScope = (await (await post({ name: "x", scopes: [] })).json()) as {
      errors: { field: string; rule: string }[];
    };
    expect(noScope.errors[0]).toMatchObject({ field: "scopes", rule: "min_length" });
    const noName = (await (await post({ name: "  ", scopes: ["read"] })).json()) as {
      errors: { field: string }[];
    };
    expect(noName.errors[0]?.field).toBe("name");
  });

  it("keys - revoked by another process (the CLI), a key stops working within the key cache time", async () => {
    const app = appWith({ keyCacheMs: 200 });
    const k = await createApiKey(h.t.db, { name: "cached", scopes: ["read"] });
    const call = () =>
      app.request("/api/v1/stats", { headers: { authorization: `Bearer ${k.key}` } });
    expect((await call()).status).toBe(200);
    await revokeApiKey(h.t.db, k.id);
    await new Promise((r) => setTimeout(r, 250));
    expect((await call()).status).toBe(401);
    expect((await listApiKeys(h.t.db)).find((x) => x.id === k.id)?.revokedAt).toEqual(
      expect.any(String),
    );
  });
});

describe("rate limit, CORS, request ids", () => {
  it("rate limit - past its burst a key gets 429 with Retry-After; other keys are not affected", async () => {
    const app = appWith({ rateLimitPerSecond: 5 });
    const call = (key: string) =>
      app.request("/api/v1/stats", { headers: { authorization: `Bearer ${key}` } });
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await call(keys.read)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    const limited = await call(keys.read);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({ status: 429, title: "Too many requests" });
    expect((await call(keys.readWrite)).status).toBe(200);
  });

  it("cors - allowed origins get CORS headers (preflight included); others do not", async () => {
    const app = appWith({ corsOrigins: ["https://ops.example"] });
    const pre = await app.request("/api/v1/devices", {
      method: "OPTIONS",
      headers: {
        origin: "https://ops.example",
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("https://ops.example");
    expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain(
      "authorization",
    );
    const other = await app.request("/health/live", {
      headers: { origin: "https://evil.example" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const none = await h.app.request("/health/live", {
      headers: { origin: "https://ops.example" },
    });
    expect(none.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("request id - every response carries one, errors too; a caller's own id is kept", async () => {
    for (const path of ["/health/live", "/api/v1/devices", "/nowhere"]) {
      expect((await h.app.request(path)).headers.get("x-request-id"), path).toMatch(/.+/);
    }
    const mine = await h.app.request("/api/v1/devices", {
      headers: { "x-request-id": "trace-123" },
    });
    expect(mine.headers.get("x-request-id")).toBe("trace-123");
  });
});
