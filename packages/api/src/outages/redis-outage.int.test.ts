import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleDevice } from "../testing/api-test-hub.ts";
import { type PrivateServiceHub, startPrivateServiceHub } from "../testing/private-service-hub.ts";

let p: PrivateServiceHub;

beforeAll(async () => {
  p = await startPrivateServiceHub("redis", { auth: "off" });
  await p.hub.publishAndWait(sampleDevice("r-1"));
}, 60_000);
afterAll(() => p?.close());

describe("Redis outage", () => {
  it("outage - Redis down: every read answers from PostgreSQL and ready stays 200, degraded, naming Redis", async () => {
    const app = p.hub.app;
    const before = await app.request("/health/ready");
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      status: "ready",
      components: { redis: { status: "up" } },
    });

    await p.stopService();
    await expect(p.hub.t.redis.ping()).rejects.toThrow();

    const one = await app.request("/api/v1/devices/r-1");
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: "r-1", status: { value: "online" } });
    const batch = await app.request("/api/v1/devices:batchGet", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["r-1", "nobody"] }),
    });
    expect(await batch.json()).toMatchObject({ items: [{ id: "r-1" }], missing: ["nobody"] });
    expect((await app.request("/api/v1/devices")).status).toBe(200);
    expect((await app.request("/api/v1/stats")).status).toBe(200);

    const started = Date.now();
    const ready = await app.request("/health/ready");
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as {
      status: string;
      components: Record<string, { status: string; impact?: string }>;
    };
    expect(body.status).toBe("degraded");
    expect(body.components.redis).toMatchObject({
      status: "degraded",
      impact: expect.stringContaining("PostgreSQL"),
    });
    expect(body.components.nats?.status).toBe("up");
    expect(body.components.postgres?.status).toBe("up");
    // /health says the same.
    const health = await app.request("/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "degraded" });
  });
});
