import { defineRoute } from "@uaip/http-kit";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "./testing/api-test-hub.ts";

let h: ApiTestHub;
let admin: string;
let read: string;

beforeAll(async () => {
  h = await startApiTestHub({}, { redisProjection: false });
  await h.publishAndWait(sampleDevice("in-1"));
  admin = await h.key("read", "admin");
  read = await h.key("read");
});
afterAll(() => h?.close());

type Problem = { status: number; errors?: { field: string; rule: string }[]; detail?: string };

async function problem(res: Response, status: number): Promise<Problem> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = JSON.parse(text) as Problem;
  expect(body.status).toBe(status);
  return body;
}

const get = (path: string) => h.app.request(path, { headers: { authorization: `Bearer ${read}` } });
const post = (
  path: string,
  body: string | Uint8Array | undefined,
  headers: Record<string, string> = {},
) =>
  h.app.request(path, {
    method: "POST",
    headers: { authorization: `Bearer ${admin}`, ...headers },
    ...(body !== undefined && { body }),
  });

describe("request input", () => {
  it("input - a NUL in a query parameter is a 400 naming the parameter, never a 500", async () => {
    for (const name of ["q", "tag", "location", "type", "status", "cursor"]) {
      const body = await problem(await get(`/api/v1/devices?${name}=a%00b`), 400);
      expect(body.errors?.[0]).toMatchObject({ field: name, rule: "no-nul" });
    }
    // The same for every other route's query strings, and in path parameters.
    for (const path of [
      "/api/v1/devices/in-1/history?from=%00",
      "/api/v1/events?device=%00",
      "/api/v1/devices/in-1/state?at=%00",
      "/api/v1/stream?device=a%00",
    ]) {
      expect((await problem(await get(path), 400)).errors?.[0]?.rule, path).toBe("no-nul");
    }
    const inPath = await problem(await get("/api/v1/devices/in%001"), 400);
    expect(inPath.errors?.[0]).toMatchObject({ field: "(path)", rule: "no-nul" });
  });

  it("input - invalid percent-encoding or invalid UTF-8 in a URL is a 400 naming where", async () => {
    const q = await problem(await get("/api/v1/devices?q=%zz"), 400);
    expect(q.errors?.[0]).toMatchObject({ field: "q", rule: "percent-encoding" });
    const utf8 = await problem(await get("/api/v1/devices?location=%C3%28"), 400);
    expect(utf8.errors?.[0]).toMatchObject({ field: "location", rule: "percent-encoding" });
    const path = await problem(await get("/api/v1/devices/%FF"), 400);
    expect(path.errors?.[0]).toMatchObject({ field: "(path)", rule: "percent-encoding" });
    // Valid encodings still decode: a name search for "é" matches nothing, and is a 200.
    expect((await get("/api/v1/devices?q=%C3%A9")).status).toBe(200);
  });

  it("input - a NUL in a key name (or any JSON body string or key) is a 400 naming the field", async () => {
    const json = { "content-type": "application/json" };
    const named = await problem(
      await post("/api/v1/keys", '{"name":"a\\u0000","scopes":["read"]}', json),
      400,
    );
    // The route's schema refuses it first, as it refuses every control character.
    expect(named.errors?.[0]).toMatchObject({ field: "name", rule: "regex" });
    const control = await problem(
      await post("/api/v1/keys", JSON.stringify({ name: "a\tb", scopes: ["read"] }), json),
      400,
    );
    expect(control.errors?.[0]).toMatchObject({ field: "name", rule: "regex" });
    const batch = await problem(
      await post("/api/v1/devices:batchGet", '{"ids":["in-1"],"x\\u0000":1}', json),
      400,
    );
    expect(batch.errors?.[0]).toMatchObject({ field: "x\\u0000" });
  });

  it("input - a body that is not UTF-8, or nested 10,000 levels deep, is a 400", async () => {
    const json = { "content-type": "application/json" };
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"name":"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('","scopes":["read"]}'),
    ]);
    const notUtf8 = await problem(await post("/api/v1/keys", bytes, json), 400);
    expect(notUtf8.errors?.[0]).toMatchObject({ field: "(root)", rule: "utf8" });
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const tooDeep = await problem(
      await post("/api/v1/devices:batchGet", `{"ids":${deep}}`, json),
      400,
    );
    expect(tooDeep.errors?.[0]).toMatchObject({ rule: "max-depth" });
  });

  it("input - a JSON body needs Content-Type: application/json (415 for text/plain or none)", async () => {
    const body = JSON.stringify({ ids: ["in-1"] });
    // A string body in fetch is sent as text/plain unless told otherwise.
    const plain = await problem(await post("/api/v1/devices:batchGet", body), 415);
    expect(plain.detail).toContain("Content-Type: application/json");
    const none = new Request("http://hub/api/v1/devices:batchGet", {
      method: "POST",
      headers: { authorization: `Bearer ${read}` },
      body: new Blob([body]),
    });
    none.headers.delete("content-type");
    await problem(await h.app.request(none), 415);
    await problem(
      await post("/api/v1/keys", JSON.stringify({ name: "x", scopes: ["read"] }), {
        "content-type": "application/x-www-form-urlencoded",
      }),
      415,
    );
    const ok = await h.app.request("/api/v1/devices:batchGet", {
      method: "POST",
      headers: {
        authorization: `Bearer ${read}`,
        "content-type": "application/json; charset=utf-8",
      },
      body,
    });
    expect(ok.status).toBe(200);
  });

  it("input - a JSON array where an object is wanted is a 400; a route without a body refuses one", async () => {
    const json = { "content-type": "application/json" };
    const arr = await problem(await post("/api/v1/keys", "[]", json), 400);
    expect(arr.errors?.[0]).toMatchObject({ field: "(root)", rule: "object" });
    const created = (await (
      await post("/api/v1/keys", JSON.stringify({ name: "gone", scopes: ["read"] }), json)
    ).json()) as { id: string };
    const del = await h.app.request(`/api/v1/keys/${created.id}`, {
      method: "DELETE",
      headers: {
        authorization: `Bearer ${admin}`,
        "content-type": "application/json",
        "content-length": "2",
      },
      body: "[]",
    });
    const refused = await problem(del, 415);
    expect(refused.detail).toContain("takes no request body");
    const bare = await h.app.request(`/api/v1/keys/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(bare.status).toBe(200);
  });

  it("input - an optional object body (as DELETE /devices/{id} takes) refuses [] and a non-JSON type, accepts none", async () => {
    const t = h.t;
    const decommissionLike = defineRoute({
      method: "delete",
      path: "/api/v1/things/{id}",
      operationId: "deleteThing",
      summary: "test",
      tag: "test",
      scope: null,
      params: v.object({ id: v.string() }),
      body: v.optional(v.strictObject({ reason: v.optional(v.string()) }), {}),
      responses: { 200: { description: "ok" } },
      handler: (c, { body }) => c.json({ reason: body.reason ?? null }),
    });
    const app = createApp({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
      options: { auth: "off" },
      routes: () => [decommissionLike],
    });
    const del = (body?: string, type?: string) =>
      app.request("/api/v1/things/a", {
        method: "DELETE",
        ...(type !== undefined && { headers: { "content-type": type } }),
        ...(body !== undefined && { body }),
      });
    const arr = await problem(await del("[]", "application/json"), 400);
    expect(arr.errors?.[0]).toMatchObject({ field: "(root)", rule: "object" });
    await problem(await del('{"reason":"x"}'), 415); // sent as text/plain
    expect(await (await del('{"reason":"old"}', "application/json")).json()).toEqual({
      reason: "old",
    });
    expect(await (await del()).json()).toEqual({ reason: null });
  });
});
