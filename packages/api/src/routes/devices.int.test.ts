// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { createEvent } from "@uaip/events";
import { cacheKeys } from "@uaip/projections";
import { register } from "prom-client";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";
import { DeviceViewSchema } from "../views/device-view.ts";

let h: ApiTestHub;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off", bodyLimitBytes: 64 * 1024 });
  await h.publishAndWait([
    ...sampleDevice("lamp-1", {
      type: "smart-bulb",
      tags: ["home", "kitchen"],
      location: "kitchen",
      name: "Kitchen lamp",
    }),
    ...sampleDevice("lamp-2", {
      type: "smart-bulb",
      tags: ["home"],
      location: "hall",
      name: "Hall lamp",
    }),
    ...sampleDevice("thermo-1", {
      type: "thermostat",
      tags: ["office"],
      location: "office",
      name: "Office thermostat",
    }),
    createEvent("device.status_changed", "lamp-2", { status: "offline", reason: "unplugged" }),
    ...sampleDevice("old-1", { type: "thermostat", name: "Old 100% thermostat" }),
    createEvent("device.decommissioned", "old-1", { reason: "replaced" }),
  ]);
});
afterAll(() => h?.close());

const getJson = async (path: string, init?: RequestInit) => {
  const res = await h.app.request(path, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
};
const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);
const counter = async (name: string) =>
  ((await register.getSingleMetric(name)?.get())?.values ?? []).reduce((a, x) => a + x.value, 0);

describe("GET /api/v1/devices", () => {
  it("devices list - filters by status, type, tag, location and name, leaving out decommissioned devices", async () => {
    expect(ids((await getJson("/api/v1/devices")).body)).toEqual(["lamp-1", "lamp-2", "thermo-1"]);
    expect(ids((await getJson("/api/v1/devices?status=online")).body)).toEqual([
      "lamp-1",
      "thermo-1",
    ]);
    expect(ids((await getJson("/api/v1/devices?type=smart-bulb")).body)).toEqual([
      "lamp-1",
      "lamp-2",
    ]);
    expect(ids((await getJson("/api/v1/devices?tag=kitchen")).body)).toEqual(["lamp-1"]);
    expect(ids((await getJson("/api/v1/devices?location=hall")).body)).toEqual(["lamp-2"]);
    expect(ids((await getJson("/api/v1/devices?q=LAMP")).body)).toEqual(["lamp-1", "lamp-2"]);
    expect(ids((await getJson("/api/v1/devices?type=smart-bulb&status=offline")).body)).toEqual([
      "lamp-2",
    ]);
    expect(
      ids((await getJson("/api/v1/devices?include_decommissioned=true&type=thermostat")).body),
    ).toEqual(["old-1", "thermo-1"]);
  });

  it("devices list - a name search treats % and _ literally", async () => {
    const r = await getJson("/api/v1/devices?q=100%25&include_decommissioned=true");
    expect(ids(r.body)).toEqual(["old-1"]);
    expect(ids((await getJson("/api/v1/devices?q=%25")).body)).toEqual([]);
  });

  it("devices list - pages follow `next` in id order and the last page has next null", async () => {
    const first = await getJson("/api/v1/devices?limit=2");
    expect(ids(first.body)).toEqual(["lamp-1", "lamp-2"]);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await getJson(`/api/v1/devices?limit=2&cursor=${first.body.next}`);
    expect(ids(second.body)).toEqual(["thermo-1"]);
    expect(second.body.next).toBeNull();
    for (const d of [...first.body.items, ...second.body.items]) v.parse(DeviceViewSchema, d);
  });

  it("devices list - bad parameters are 400 problems naming the field and rule", async () => {
    const cases: [string, string, string][] = [
      ["limit=501", "limit", "max_value"],
      ["limit=0", "limit", "min_value"],
      ["limit=ten", "limit", "regex"],
      ["status=sleeping", "status", "picklist"],
      ["cursor=not%20a%20cursor", "cursor", "regex"],
      ["cursor=WyJ4Il0x", "cursor", "cursor"],
      ["colour=red", "colour", "strict_object"],
    ];
    for (const [query, field, rule] of cases) {
      const r = await getJson(`/api/v1/devices?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors?.[0], query).toMatchObject({ field, rule });
    }
  });
});

describe("GET /api/v1/devices/{id}", () => {
  it("device - the same JSON from Redis (a hit) and from PostgreSQL (a miss)", async () => {
    const hits = await counter("uaip_cache_hits_total");
    const fromRedis = await getJson("/api/v1/devices/lamp-2");
    expect(await counter("uaip_cache_hits_total")).toBe(hits + 1);

    await h.t.redis.del(cacheKeys(h.t.namespace).device("lamp-2"));
    const misses = await counter("uaip_cache_misses_total");
    const fromPostgres = await getJson("/api/v1/devices/lamp-2");
    expect(await counter("uaip_cache_misses_total")).toBe(misses + 1);

    expect(fromRedis.status).toBe(200);
    expect(fromPostgres.body).toEqual(fromRedis.body);
    expect(v.parse(DeviceViewSchema, fromRedis.body)).toMatchObject({
      id: "lamp-2",
      status: { value: "offline", reason: "unplugged" },
      tags: ["home"],
      location: "hall",
    });
  });

  it("device - Redis down: served from PostgreSQL, not an error", async () => {
    const { createRedis } = await import("@uaip/platform");
    const { createApp } = await import("../app.ts");
    const deadRedis = createRedis("redis://127.0.0.1:1"); // nothing listens there
    const app = createApp({
      namespace: h.t.namespace,
      db: h.t.db,
      redis: deadRedis,
      nc: h.t.nc,
      jsm: h.t.jsm,
      logger: h.t.logger,
      options: { auth: "off" },
    });
    const r = await app.request("/api/v1/devices/lamp-1");
    expect(r.status).toBe(200);
    expect(((await r.json()) as { id: string }).id).toBe("lamp-1");
    deadRedis.disconnect();
  });

  it("device - unknown is 404, malformed id is 400, both problem+json", async () => {
    const missing = await getJson("/api/v1/devices/nobody");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, detail: 'no device "nobody"' });
    const bad = await getJson("/api/v1/devices/has%20space");
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: "id", rule: "regex" })]);
  });
});

describe("POST /api/v1/devices:batchGet", () => {
  const post = (body: unknown) =>
    getJson("/api/v1/devices:batchGet", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("batchGet - devices in the order asked, once each, Redis and PostgreSQL together, unknown ids in missing", async () => {
    await h.t.redis.del(cacheKeys(h.t.namespace).device("lamp-1")); // one from PostgreSQL
    const r = await post({ ids: ["thermo-1", "nobody", "lamp-1", "thermo-1", "old-1"] });
    expect(r.status).toBe(200);
    expect(ids(r.body)).toEqual(["thermo-1", "lamp-1", "old-1"]);
    expect(r.body.missing).toEqual(["nobody"]);
    const single = await getJson("/api/v1/devices/lamp-1");
    expect(r.body.items[1]).toEqual(single.body);
  });

  it("batchGet - more than 1000 ids, none, bad ids or bad JSON are 400s naming the field", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `d-${i}`);
    expect((await post({ ids: many })).body.errors[0]).toMatchObject({
      field: "ids",
      rule: "max_length",
    });
    expect((await post({ ids: [] })).body.errors[0]).toMatchObject({
      field: "ids",
      rule: "min_length",
    });
    expect((await post({ ids: ["ok", "not ok"] })).body.errors[0]).toMatchObject({
      field: "ids.1",
      rule: "regex",
    });
    expect((await post("{nope")).body.errors[0]).toMatchObject({ field: "(root)", rule: "json" });
    expect((await post({ ids: ["a"], extra: 1 })).status).toBe(400);
  });

  it("batchGet - a body over the limit is 413", async () => {
    const r = await post({ ids: ["a"], pad: "x".repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ status: 413, title: "Payload too large" });
  });
});

describe("GET /api/v1/stats", () => {
  it("stats - counts live devices by status and type", async () => {
    const r = await getJson("/api/v1/stats");
    expect(r.body).toEqual({
      total: 3,
      byStatus: { offline: 1, online: 2 },
      byType: { "smart-bulb": 2, thermostat: 1 },
    });
  });
});
