import { createEvent, streamName } from "@uaip/events";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../auth/api-keys.ts";
import { sampleDevice } from "../testing/api-test-hub.ts";
import { type PrivateServiceHub, startPrivateServiceHub } from "../testing/private-service-hub.ts";

let p: PrivateServiceHub;
const keyCacheMs = 200;

beforeAll(async () => {
  p = await startPrivateServiceHub("postgres", { auth: "required", keyCacheMs });
  await p.hub.publishAndWait([...sampleDevice("pg-1"), ...sampleDevice("pg-2")]);
}, 120_000);
afterAll(() => p?.close());

const call = (path: string, key: string, init: RequestInit = {}) =>
  p.hub.app.request(path, {
    ...init,
    headers: { authorization: `Bearer ${key}`, ...init.headers },
  });

describe("PostgreSQL outage", () => {
  it("outage - PostgreSQL down: known keys keep working and Redis serves reads; the rest is 503 naming PostgreSQL", async () => {
    const db = p.hub.t.db;
    const known = (await createApiKey(db, { name: "known", scopes: ["read"] })).key;
    const neverUsed = (await createApiKey(db, { name: "never-used", scopes: ["read"] })).key;
    const revoked = await createApiKey(db, { name: "revoked", scopes: ["read"] });
    expect((await call("/api/v1/devices/pg-1", known)).status).toBe(200);
    expect((await call("/api/v1/devices/pg-1", revoked.key)).status).toBe(200);
    await revokeApiKey(db, revoked.id);
    await new Promise((r) => setTimeout(r, keyCacheMs + 50)); // its cache entry expires
    expect((await call("/api/v1/devices/pg-1", revoked.key)).status).toBe(401); // seen revoked

    await p.stopService();
    await new Promise((r) => setTimeout(r, keyCacheMs + 50)); // every verification is now stale
    const redis = p.hub.t.redis;
    await waitFor(
      async () => (await redis.exists(`${p.hub.t.namespace}:device:pg-1`)) === 1,
      5_000,
      "the Redis snapshot",
    );

    const one = await call("/api/v1/devices/pg-1", known);
    expect(one.status, await one.clone().text()).toBe(200);
    expect(await one.json()).toMatchObject({ id: "pg-1", status: { value: "online" } });
    const batch = await call("/api/v1/devices:batchGet", known, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ids: ["pg-1", "pg-2"] }),
    });
    expect(batch.status).toBe(200);
    expect(((await batch.json()) as { items: unknown[] }).items).toHaveLength(2);

    // The log's routes do not need PostgreSQL either.
    expect((await call("/api/v1/events?limit=5", known)).status).toBe(200);

    const expect503 = async (res: Response, what: string) => {
      const text = await res.text();
      expect(res.status, `${what}: ${text}`).toBe(503);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.headers.get("retry-after")).toBe("1");
      expect(JSON.parse(text)).toMatchObject({
        type: "https://uaip.dev/problems/postgres-unavailable",
        detail: expect.stringContaining("PostgreSQL"),
      });
    };
    await expect503(await call("/api/v1/devices", known), "list");
    await expect503(await call("/api/v1/devices/pg-1/history", known), "history");
    // A key nobody verified before cannot be told valid or not: 503, not 401.
    await expect503(await call("/api/v1/devices/pg-1", neverUsed), "never-used key");
    await expect503(
      await call("/api/v1/devices/pg-1", "uaip_made-up-key-0000000000000000"),
      "made-up key",
    );
    // A key seen revoked is never served from memory: like any key not known good, a 503.
    await expect503(await call("/api/v1/devices/pg-1", revoked.key), "revoked key");

    const started = Date.now();
    const ready = await p.hub.app.request("/health/ready");
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: "not ready",
      components: {
        postgres: { status: "down" },
        nats: { status: "up" },
        redis: { status: "up" },
        streams: { [streamName(p.hub.t.namespace, "devices")]: { status: "up" } },
      },
    });

    // Ingestion goes on into the log meanwhile.
    await p.hub.t.publish(createEvent("device.status_changed", "pg-1", { status: "offline" }));
  });
});
