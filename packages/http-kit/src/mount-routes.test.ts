import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { keyGate } from "./auth/key-gate.ts";
import { defineRoute, type RouteEnv } from "./define-route.ts";
import { honoPath, mountRoutes } from "./mount-routes.ts";
import { HttpProblem, problems } from "./problem.ts";

class OutOfStockError extends Error {}

const steps: string[] = [];
const routes = [
  defineRoute({
    method: "get",
    path: "/things/{id}",
    operationId: "getThing",
    summary: "one thing",
    tag: "things",
    scope: "read",
    params: v.object({ id: v.string() }),
    query: v.object({
      wait: v.optional(v.pipe(v.string(), v.transform(Number))),
      over: v.optional(v.pipe(v.string(), v.transform(Number))),
    }),
    reads: [{ name: "things", stream: "devices" }],
    waitsUpToMs: ({ query }) => query.wait ?? 0,
    responses: { 200: { description: "the thing" } },
    handler: async (c, { params, query, minSeq }) => {
      await new Promise((r) => setTimeout(r, (query.wait ?? 0) + (query.over ?? 0)));
      return c.json({ id: params.id, route: c.var.route, minSeq: minSeq.get("devices") ?? null });
    },
  }),
  defineRoute({
    method: "post",
    path: "/things",
    operationId: "addThing",
    summary: "add",
    tag: "things",
    scope: "write",
    body: v.object({ name: v.string() }),
    bodyLimitBytes: 32,
    problems: (err) =>
      err instanceof OutOfStockError
        ? new HttpProblem({ type: "https://uaip.dev/problems/stock", title: "Out", status: 409 })
        : undefined,
    responses: { 201: { description: "added" } },
    handler: (c, { body }) => {
      if (body.name === "none") throw new OutOfStockError();
      return c.json({ by: c.var.apiKey?.name }, 201);
    },
  }),
];

function appWith(natsDown = false) {
  const app = new Hono<RouteEnv>();
  mountRoutes(app, routes, {
    namespace: "uaip",
    auth: keyGate({
      keys: {
        verify: async (key) =>
          key === "all" ? { id: "key_1", name: "ops", scopes: ["read", "write"] } : undefined,
        isKnown: () => false,
      },
    }),
    requestTimeoutMs: 100,
    waitForProjections: async (_reads, minSeq) => {
      steps.push(`wait ${minSeq.get("devices")}`);
      if ((minSeq.get("devices") ?? 0) > 10) throw problems.unavailable("behind");
    },
    requireNats: () => {
      if (natsDown) throw problems.unavailable("nats down");
    },
  });
  return app;
}

const auth = { authorization: "Bearer all" };

describe("mountRoutes", () => {
  it("mount - OpenAPI paths become Hono paths", () => {
    expect(honoPath("/api/v1/devices/{id}/commands/{commandId}")).toBe(
      "/api/v1/devices/:id/commands/:commandId",
    );
  });

  it("mount - a declaration answers with its parsed input, its route label and the sequences it waited for", async () => {
    const app = appWith();
    const res = await app.request("/things/a?min_seq=devices:7", { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "a", route: "/things/{id}", minSeq: 7 });
    expect(steps.at(-1)).toBe("wait 7");
    expect(
      (await app.request("/things/a", { headers: { "x-min-sequence": "devices:11", ...auth } }))
        .status,
    ).toBe(503);
  });

  it("mount - the size of the body before the key, the key before the input", async () => {
    const app = appWith();
    const big = JSON.stringify({ name: "x".repeat(64) });
    const tooLarge = await app.request("/things", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    expect(tooLarge.status).toBe(413);
    const noKey = await app.request("/things/a?min_seq=bad");
    expect(noKey.status).toBe(401);
    expect((await app.request("/things/a?min_seq=bad", { headers: auth })).status).toBe(400);
  });

  it("mount - a write-scope route needs NATS up; the route's declared problems map its errors", async () => {
    const post = (app: Hono<RouteEnv>, name: string) =>
      app.request("/things", {
        method: "POST",
        headers: { "content-type": "application/json", ...auth },
        body: JSON.stringify({ name }),
      });
    expect(await (await post(appWith(), "a")).json()).toEqual({ by: "ops" });
    const out = await post(appWith(), "none");
    expect(out.status).toBe(409);
    expect(out.headers.get("content-type")).toBe("application/problem+json");
    expect((await post(appWith(true), "a")).status).toBe(503);
  });

  it("mount - the deadline grows by what a long-poll asks for", async () => {
    const app = appWith();
    expect((await app.request("/things/a?wait=250", { headers: auth })).status).toBe(200);
    const cut = await app.request("/things/a?wait=250&over=300", { headers: auth });
    expect(cut.status).toBe(503);
    expect(((await cut.json()) as { detail: string }).detail).toBe("no answer within 350 ms");
  });
});
