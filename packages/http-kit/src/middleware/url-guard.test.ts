import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { RouteEnv } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { urlGuard, urlIssues } from "./url-guard.ts";

describe("urlIssues", () => {
  it("url guard - valid encodings pass; bad percent-encoding, bad UTF-8 and NUL are named by place", () => {
    expect(urlIssues("http://h/api/v1/devices?q=caf%C3%A9&tag=a+b&x")).toBeUndefined();
    expect(urlIssues("http://h/api/v1/devices/a%2Fb")).toBeUndefined();
    expect(urlIssues("http://h/a?q=%zz")?.issues[0]).toMatchObject({
      field: "q",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/a?q=%")?.issues[0]).toMatchObject({
      field: "q",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/a?q=%ED%A0%80")?.issues[0]?.rule).toBe("percent-encoding");
    expect(urlIssues("http://h/a?q=ok&location=x%00y")?.issues).toEqual([
      expect.objectContaining({ field: "location", rule: "no-nul" }),
    ]);
    expect(urlIssues("http://h/a?%00=1")?.issues[0]).toMatchObject({
      field: "%00",
      rule: "no-nul",
    });
    expect(urlIssues("http://h/a?%zz=1")?.issues[0]).toMatchObject({
      field: "%zz",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/devices/%C3%28?q=1")).toMatchObject({
      where: "path",
      issues: [{ field: "(path)", rule: "percent-encoding" }],
    });
    expect(urlIssues("http://h/a#%zz")).toBeUndefined(); // a fragment is the client's
  });
});

describe("urlGuard", () => {
  it("url guard - a bad URL is a 400 problem before any route sees it; a good one passes", async () => {
    let reached = 0;
    const app = new Hono<RouteEnv>().use(urlGuard());
    app.get("/devices/:id", (c) => {
      reached++;
      return c.json({ id: c.req.param("id"), q: c.req.query("q") });
    });
    app.onError(errorHandler());
    const bad = await app.request("/devices/a?q=x%00y");
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    expect(await bad.json()).toMatchObject({
      detail: expect.stringMatching(/^query: q \(no-nul\)/),
      errors: [{ field: "q", rule: "no-nul" }],
    });
    expect((await app.request("/devices/%FF")).status).toBe(400);
    expect(reached).toBe(0);
    expect(await (await app.request("/devices/a?q=caf%C3%A9")).json()).toEqual({
      id: "a",
      q: "café",
    });
  });
});
