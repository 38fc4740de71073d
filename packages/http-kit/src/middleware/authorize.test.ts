import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { type KeyLookup, keyGate } from "../auth/key-gate.ts";
import type { RouteEnv, VerifiedKey } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { authorize, presentedKey } from "./authorize.ts";

const known: Record<string, VerifiedKey> = {
  "k-read": { id: "key_1", name: "reader", scopes: ["read"] },
  "k-write": { id: "key_2", name: "writer", scopes: ["write"] },
};

/** An in-memory key store that counts its lookups. */
function keys(): KeyLookup & { lookups: number } {
  const seen = new Set<string>();
  return {
    lookups: 0,
    async verify(key) {
      this.lookups++;
      const info = known[key];
      if (info) seen.add(key);
      return info;
    },
    isKnown: (key) => seen.has(key),
  };
}

function appWith(gate: ReturnType<typeof keyGate>, scope: "read" | "write" = "read") {
  const app = new Hono<RouteEnv>();
  app.get("/r", authorize({ scope, gate }), (c) => c.json({ key: c.var.apiKey?.name }));
  app.onError(errorHandler());
  return app;
}

const get = (app: Hono<RouteEnv>, headers: Record<string, string> = {}) =>
  app.request("/r", { headers });

describe("authorize", () => {
  it("authorize - no key 401 with a Bearer challenge, an unknown key 401, a key without the scope 403, the right one passes", async () => {
    const app = appWith(keyGate({ keys: keys() }));
    const none = await get(app);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect((await get(app, { authorization: "Bearer nope" })).status).toBe(401);
    const forbidden = await get(app, { authorization: "Bearer k-write" });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({
      requiredScope: "read",
      keyScopes: ["write"],
      detail: 'this route needs the "read" scope; key key_2 has "write"',
    });
    const ok = await get(app, { authorization: "Bearer k-read" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ key: "reader" });
    expect((await get(app, { "x-api-key": " k-read " })).status).toBe(200);
  });

  it("authorize - a key over its rate is a 429 with Retry-After, counted across every route of the gate", async () => {
    const gate = keyGate({ keys: keys(), rateLimitPerSecond: 1 });
    const a = appWith(gate);
    const b = appWith(gate);
    const auth = { authorization: "Bearer k-read" };
    expect((await get(a, auth)).status).toBe(200);
    expect((await get(b, auth)).status).toBe(200); // the burst: twice the rate
    const limited = await get(a, auth);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await limited.json()).toMatchObject({ retryAfter: 1 });
  });

  it("authorize - past the failed-authentication limit a client's unknown keys are not looked up; a key verified before still works", async () => {
    const store = keys();
    const app = appWith(keyGate({ keys: store, failuresPerMinute: 2 }));
    expect((await get(app, { authorization: "Bearer k-read" })).status).toBe(200);
    for (const guess of ["g1", "g2"]) {
      expect((await get(app, { authorization: `Bearer ${guess}` })).status).toBe(401);
    }
    const lookups = store.lookups;
    const refused = await get(app, { authorization: "Bearer g3" });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      type: "https://uaip.dev/problems/too-many-failed-authentications",
    });
    expect(store.lookups).toBe(lookups);
    expect((await get(app, { authorization: "Bearer k-read" })).status).toBe(200);
  });

  it("authorize - the presented key: Bearer first, X-API-Key else; a malformed bearer is empty", async () => {
    const app = new Hono().get("/", (c) => c.json({ key: presentedKey(c) ?? null }));
    const key = async (headers: Record<string, string>) =>
      ((await (await app.request("/", { headers })).json()) as { key: string | null }).key;
    expect(await key({ authorization: "bearer abc" })).toBe("abc");
    expect(await key({ authorization: "Basic abc", "x-api-key": "x" })).toBe("");
    expect(await key({ "x-api-key": "xyz" })).toBe("xyz");
    expect(await key({})).toBeNull();
  });
});
