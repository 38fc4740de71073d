import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { RouteEnv } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { deadline } from "./deadline.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function appTaking(ms: number, options: Parameters<typeof deadline>[0]) {
  const app = new Hono<RouteEnv>();
  app.get("/slow", deadline(options), async (c) => {
    await sleep(ms);
    return c.json({ done: true });
  });
  app.onError(errorHandler());
  return app;
}

describe("deadline", () => {
  it("deadline - an answer in time passes; a late one is a 503 naming the deadline and the reason", async () => {
    expect((await appTaking(5, { ms: 200 }).request("/slow")).status).toBe(200);
    const started = Date.now();
    const late = await appTaking(2_000, { ms: 100, reason: "the store is slow" }).request("/slow");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(late.status).toBe(503);
    expect(late.headers.get("content-type")).toBe("application/problem+json");
    expect(await late.json()).toMatchObject({
      status: 503,
      detail: "no answer within 100 ms: the store is slow",
    });
  });

  it("deadline - time a request asks for on purpose moves the deadline, and the 503 names the total", async () => {
    const extended = appTaking(250, { ms: 100, extraMs: () => 300 });
    expect((await extended.request("/slow")).status).toBe(200);
    const tooLate = await appTaking(2_000, { ms: 100, extraMs: () => 100 }).request("/slow");
    expect(tooLate.status).toBe(503);
    expect(((await tooLate.json()) as { detail: string }).detail).toBe("no answer within 200 ms");
  });
});
