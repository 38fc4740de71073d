import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { RouteEnv } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { noBody } from "./no-body.ts";

describe("noBody", () => {
  it("no body - a route that takes none refuses one with 415, from the headers alone; an empty one passes", async () => {
    const app = new Hono<RouteEnv>();
    app.delete("/x", noBody(), (c) => c.json({ ok: true }));
    app.onError(errorHandler());
    const refused = await app.request("/x", {
      method: "DELETE",
      // A Request made in process carries no Content-Length of its own: send it, as a client does.
      headers: { "content-type": "application/json", "content-length": "2" },
      body: "{}",
    });
    expect(refused.status).toBe(415);
    expect(await refused.json()).toMatchObject({
      detail: "this route takes no request body: send none",
    });
    expect((await app.request("/x", { method: "DELETE" })).status).toBe(200);
    expect(
      (await app.request("/x", { method: "DELETE", headers: { "content-length": "0" } })).status,
    ).toBe(200);
  });
});
