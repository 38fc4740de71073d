import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { RouteEnv } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { requestInput } from "./request-input.ts";

const app = new Hono<RouteEnv>();
app.post(
  "/things/:id",
  requestInput(
    {
      params: v.object({ id: v.pipe(v.string(), v.regex(/^t-\d+$/)) }),
      query: v.strictObject({
        n: v.optional(v.pipe(v.string(), v.transform(Number))),
        tag: v.optional(v.string()),
      }),
      headers: v.object({ "x-trace": v.optional(v.string()) }),
      body: v.strictObject({ name: v.string() }),
      listQuery: ["tag"],
    },
    "uaip",
  ),
  (c) => c.json({ ...c.var.input, minSeq: Object.fromEntries(c.var.input?.minSeq ?? []) }),
);
app.onError(errorHandler());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("requestInput", () => {
  it("request input - every part parsed by its schema; min_seq taken out of the query; a list parameter's values joined", async () => {
    const res = await post(
      "/things/t-1?n=3&tag=a&tag=b,c&min_seq=devices:7",
      { name: "x" },
      { "x-trace": "00-1" },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      params: { id: "t-1" },
      query: { n: 3, tag: "a,b,c" },
      headers: { "x-trace": "00-1" },
      body: { name: "x" },
      minSeq: { devices: 7 },
    });
  });

  it("request input - the first part at fault answers, naming every field it got wrong", async () => {
    const bad = async (res: Response) => {
      expect(res.status).toBe(400);
      return (await res.json()) as { detail: string; errors: { field: string }[] };
    };
    // Sequences first, then path, query, headers, body.
    expect((await bad(await post("/things/x?min_seq=x", { name: 1 }))).errors[0]?.field).toBe(
      "min_seq",
    );
    const path = await bad(await post("/things/x?zzz=1", { name: 1 }));
    expect(path.detail).toMatch(/^path: id /);
    const query = await bad(await post("/things/t-1?zzz=1", { name: 1 }));
    expect(query.errors.map((e) => e.field)).toEqual(["zzz"]);
    const body = await bad(await post("/things/t-1", { name: 1, extra: true }));
    expect(body.errors.map((e) => e.field).sort()).toEqual(["extra", "name"]);
    const plain = await app.request("/things/t-1", { method: "POST", body: '{"name":"x"}' });
    expect(plain.status).toBe(415);
  });
});
