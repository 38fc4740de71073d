import { defineRoute } from "@uaip/http-kit";
import { waitFor } from "@uaip/testkit";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiServices } from "../api-services.ts";
import { createApp } from "../app.ts";
import { sampleDevice } from "../testing/api-test-hub.ts";
import { type PrivateServiceHub, startPrivateServiceHub } from "../testing/private-service-hub.ts";

let p: PrivateServiceHub;

/** A write as the write side declares one: `write` scope, appends to the log. */
const appendRoute = defineRoute({
  method: "post",
  path: "/api/v1/test-appends",
  operationId: "testAppend",
  summary: "test",
  tag: "test",
  scope: "write",
  body: v.object({ n: v.number() }),
  responses: { 202: { description: "stored" } },
  handler: async (c, { body }) => {
    const t = p.hub.t;
    const ack = await t.js.publish(`${t.namespace}.device.n-1.status`, JSON.stringify(body));
    return c.json({ seq: ack.seq }, 202);
  },
});

beforeAll(async () => {
  p = await startPrivateServiceHub("nats", { auth: "off" }, { redisProjection: false });
  await p.hub.publishAndWait(sampleDevice("n-1"));
}, 60_000);
afterAll(() => p?.close());

async function timed(path: string) {
  const started = Date.now();
  const res = await p.hub.app.request(path);
  const text = await res.text();
  return { res, text, ms: Date.now() - started };
}

describe("NATS outage", () => {
  it("outage - NATS down: the log's routes answer 503 nats-unavailable at once; PostgreSQL reads go on", async () => {
    const t = p.hub.t;
    const s = apiServices({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
    });
    // Up: the log's routes answer.
    expect((await timed("/api/v1/events?limit=1")).res.status).toBe(200);
    expect((await timed("/api/v1/devices/n-1/state?at=1")).res.status).toBe(200);
    const withWrites = createApp({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
      options: { auth: "off" },
      routes: () => [appendRoute],
    });
    const append = () =>
      withWrites.request("/api/v1/test-appends", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ n: 1 }),
      });
    expect((await append()).status).toBe(202);
    // A request in flight when NATS goes down fails with it, not at its timeout.
    const inFlight = s.nats.whileUp(() => new Promise<never>(() => {}));
    inFlight.catch(() => {});

    await p.stopService();
    const droppedAt = Date.now();
    await expect(inFlight).rejects.toMatchObject({
      problem: { status: 503, type: "https://uaip.dev/problems/nats-unavailable" },
    });
    expect(Date.now() - droppedAt).toBeLessThan(2_000);
    await waitFor(
      () => t.nc.isClosed() || s.nats.downReason() !== undefined,
      5_000,
      "the client to see NATS gone",
    );

    for (const path of [
      "/api/v1/events?limit=10",
      "/api/v1/devices/n-1/state?at=1",
      "/api/v1/devices/n-1/state",
      "/api/v1/stream",
    ]) {
      const { res, text, ms } = await timed(path);
      expect(res.status, `${path}: ${text}`).toBe(503);
      expect(ms, path).toBeLessThan(2_000);
      expect(res.headers.get("content-type"), path).toBe("application/problem+json");
      expect(Number(res.headers.get("retry-after")), path).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(text), path).toMatchObject({
        type: "https://uaip.dev/problems/nats-unavailable",
        status: 503,
        detail: expect.stringContaining("NATS"),
      });
    }

    // A write-scope route answers at once too, instead of waiting out its publish timeout.
    const writeStarted = Date.now();
    const write = await append();
    expect(write.status).toBe(503);
    expect(Date.now() - writeStarted).toBeLessThan(1_000);
    expect(await write.json()).toMatchObject({
      type: "https://uaip.dev/problems/nats-unavailable",
    });

    const ready = await timed("/health/ready");
    expect(ready.res.status).toBe(503);
    expect(ready.ms).toBeLessThan(1_500);
    expect(JSON.parse(ready.text)).toMatchObject({
      status: "not ready",
      components: { nats: { status: "down" }, postgres: { status: "up" }, redis: { status: "up" } },
    });

    // The read models do not need NATS.
    expect((await timed("/api/v1/devices")).res.status).toBe(200);
    expect((await timed("/api/v1/devices/n-1")).res.status).toBe(200);
  });
});
