// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { createEvent } from "@uaip/events";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";
import { CommandViewSchema } from "../views/command-view.ts";

let h: ApiTestHub;
const t0 = new Date("2026-11-21T10:00:00.000Z");
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" });
  const status = (
    s: "online" | "offline" | "error" | "maintenance",
    sec: number,
    reason?: string,
  ) =>
    createEvent(
      "device.status_changed",
      "th-1",
      { status: s, ...(reason && { reason }) },
      { occurredAt: at(sec) },
    );
  const reading = (sec: number, metrics: Record<string, number>) =>
    createEvent("telemetry.reported", "th-1", { metrics }, { occurredAt: at(sec) });
  const command = (id: string, sec: number) =>
    createEvent(
      "command.issued",
      "th-1",
      {
        commandId: id,
        name: "set_target",
        params: { celsius: 21 },
        expiresAt: at(sec + 300).toISOString(),
      },
      { occurredAt: at(sec), source: "operator" },
    );
  await h.publishAndWait([
    ...sampleDevice("th-1", { type: "thermostat" }, at(0)),
    ...sampleDevice("quiet-1", { type: "thermostat" }, at(0)),
    status("offline", 60, "power"),
    status("online", 120),
    status("error", 180, "sensor"),
    reading(10, { temperature: 20, humidity: 40 }),
    reading(50, { temperature: 22 }),
    reading(90, { temperature: 24 }),
    reading(360, { temperature: 30 }),
    command("c-1", 100),
    command("c-2", 200),
    command("c-3", 300),
    createEvent(
      "command.delivered",
      "th-1",
      { commandId: "c-1", attempt: 1 },
      { occurredAt: at(101), source: "hub" },
    ),
    createEvent(
      "command.completed",
      "th-1",
      { commandId: "c-1", result: { ok: true } },
      { occurredAt: at(102) },
    ),
  ]);
});
afterAll(() => h?.close());

const getJson = async (path: string) => {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as any };
};

describe("GET /api/v1/devices/{id}/history", () => {
  it("history - status changes in a time range, oldest first", async () => {
    const all = await getJson("/api/v1/devices/th-1/history");
    expect(all.body.items.map((i: { status: string }) => i.status)).toEqual([
      "online",
      "offline",
      "online",
      "error",
    ]);
    expect(all.body.items[1]).toMatchObject({
      status: "offline",
      reason: "power",
      occurredAt: at(60).toISOString(),
    });
    const range = await getJson(
      `/api/v1/devices/th-1/history?from=${at(60).toISOString()}&to=${at(180).toISOString()}`,
    );
    expect(range.body.items.map((i: { occurredAt: string }) => i.occurredAt)).toEqual([
      at(60).toISOString(),
      at(120).toISOString(),
    ]);
  });

  it("history - pages follow next with no repeat", async () => {
    const first = await getJson("/api/v1/devices/th-1/history?limit=3");
    const second = await getJson(`/api/v1/devices/th-1/history?limit=3&cursor=${first.body.next}`);
    expect([...first.body.items, ...second.body.items].map((i: { seq: number }) => i.seq)).toEqual(
      (await getJson("/api/v1/devices/th-1/history")).body.items.map((i: { seq: number }) => i.seq),
    );
    expect(second.body.next).toBeNull();
  });

  it("history - from after to is 400, a bad time is 400, an unknown device is 404, a quiet range is empty", async () => {
    const backwards = await getJson(
      `/api/v1/devices/th-1/history?from=${at(100).toISOString()}&to=${at(0).toISOString()}`,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]).toMatchObject({ field: "from", rule: "range" });
    expect(
      (await getJson("/api/v1/devices/th-1/history?from=yesterday")).body.errors[0],
    ).toMatchObject({ field: "from" });
    expect((await getJson("/api/v1/devices/nobody/history")).status).toBe(404);
    const quiet = await getJson(`/api/v1/devices/th-1/history?from=${at(1000).toISOString()}`);
    expect(quiet).toEqual({ status: 200, body: { items: [], next: null } });
  });
});

describe("GET /api/v1/devices/{id}/telemetry", () => {
  const range = `from=${t0.toISOString()}&to=${at(3600).toISOString()}`;

  it("telemetry - 1m buckets of one metric: count, min, max, avg, sum, last", async () => {
    const r = await getJson(`/api/v1/devices/th-1/telemetry?metric=temperature&bucket=1m&${range}`);
    expect(r.status).toBe(200);
    expect(r.body.series).toEqual([
      {
        metric: "temperature",
        points: [
          { at: at(0).toISOString(), count: 2, min: 20, max: 22, avg: 21, sum: 42, last: 22 },
          { at: at(60).toISOString(), count: 1, min: 24, max: 24, avg: 24, sum: 24, last: 24 },
          { at: at(360).toISOString(), count: 1, min: 30, max: 30, avg: 30, sum: 30, last: 30 },
        ],
      },
    ]);
  });

  it("telemetry - 5m and 1h buckets re-aggregate the minutes; without metric every metric has a series", async () => {
    const five = await getJson(
      `/api/v1/devices/th-1/telemetry?metric=temperature&bucket=5m&${range}`,
    );
    expect(five.body.series[0].points).toEqual([
      { at: at(0).toISOString(), count: 3, min: 20, max: 24, avg: 22, sum: 66, last: 24 },
      { at: at(300).toISOString(), count: 1, min: 30, max: 30, avg: 30, sum: 30, last: 30 },
    ]);
    const hour = await getJson(`/api/v1/devices/th-1/telemetry?bucket=1h&${range}`);
    expect(hour.body.series.map((s: { metric: string }) => s.metric)).toEqual([
      "humidity",
      "temperature",
    ]);
    expect(hour.body.series[1].points).toEqual([
      { at: at(0).toISOString(), count: 4, min: 20, max: 30, avg: 24, sum: 96, last: 30 },
    ]);
  });

  it("telemetry - a range with too many buckets, from after to, or a bad bucket is 400; unknown device 404", async () => {
    const wide = await getJson(
      `/api/v1/devices/th-1/telemetry?bucket=1m&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z`,
    );
    expect(wide.body.errors[0]).toMatchObject({ field: "bucket", rule: "max_points" });
    const backwards = await getJson(
      `/api/v1/devices/th-1/telemetry?from=${at(60).toISOString()}&to=${at(0).toISOString()}`,
    );
    expect(backwards.body.errors[0]).toMatchObject({ field: "from", rule: "range" });
    expect(
      (await getJson("/api/v1/devices/th-1/telemetry?bucket=2m")).body.errors[0],
    ).toMatchObject({ field: "bucket", rule: "picklist" });
    expect((await getJson("/api/v1/devices/nobody/telemetry")).status).toBe(404);
    expect((await getJson(`/api/v1/devices/quiet-1/telemetry?${range}`)).body.series).toEqual([]);
  });
});

describe("commands", () => {
  it("device commands - newest first, by state, paged", async () => {
    const all = await getJson("/api/v1/devices/th-1/commands");
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual(["c-3", "c-2", "c-1"]);
    for (const c of all.body.items) v.parse(CommandViewSchema, c);
    const done = await getJson("/api/v1/devices/th-1/commands?state=completed");
    expect(done.body.items.map((c: { id: string }) => c.id)).toEqual(["c-1"]);
    const first = await getJson("/api/v1/devices/th-1/commands?limit=2");
    const second = await getJson(`/api/v1/devices/th-1/commands?limit=2&cursor=${first.body.next}`);
    expect([...first.body.items, ...second.body.items].map((c: { id: string }) => c.id)).toEqual([
      "c-3",
      "c-2",
      "c-1",
    ]);
    expect(second.body.next).toBeNull();
  });

  it("device commands - unknown device 404, bad state 400, quiet device empty", async () => {
    expect((await getJson("/api/v1/devices/nobody/commands")).status).toBe(404);
    expect((await getJson("/api/v1/devices/th-1/commands?state=done")).status).toBe(400);
    expect((await getJson("/api/v1/devices/quiet-1/commands")).body).toEqual({
      items: [],
      next: null,
    });
  });

  it("command - its lifecycle; unknown 404; malformed id 400", async () => {
    const r = await getJson("/api/v1/commands/c-1");
    expect(v.parse(CommandViewSchema, r.body)).toMatchObject({
      id: "c-1",
      deviceId: "th-1",
      name: "set_target",
      params: { celsius: 21 },
      state: "completed",
      attempts: 1,
      issuedAt: at(100).toISOString(),
      deliveredAt: at(101).toISOString(),
      completedAt: at(102).toISOString(),
      result: { ok: true },
    });
    expect((await getJson("/api/v1/commands/c-404")).status).toBe(404);
    expect((await getJson("/api/v1/commands/bad%20id")).status).toBe(400);
  });
});

describe("GET /api/v1/projections", () => {
  it("projections - each projection's checkpoint, pending and lag, the Redis cache included", async () => {
    const r = await getJson("/api/v1/projections");
    const byName = Object.fromEntries(r.body.items.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual([
      "commands",
      "device_status_history",
      "devices",
      "redis",
      "telemetry",
    ]);
    for (const p of Object.values(byName) as {
      checkpoint: number;
      streamLastSeq: number;
      pending: number;
    }[]) {
      expect(p.checkpoint).toBe(p.streamLastSeq);
      expect(p.pending).toBe(0);
    }
  });
});

describe("GET /api/v1/events", () => {
  it("events - the log as NDJSON, filtered and paged, ending with the next page's sequence", async () => {
    const res = await h.app.request(
      "/api/v1/events?stream=devices&device=th-1&type=device.status_changed&limit=2",
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((l) => l.type ?? l.event?.type)).toEqual([
      "device.status_changed",
      "device.status_changed",
    ]);
    expect(lines[2]).toEqual({ next: expect.any(Number) });
  });

  it("events - a malformed or meaningless parameter is a 400 naming it", async () => {
    const shape = await getJson("/api/v1/events?limit=many");
    expect(shape.status).toBe(400);
    expect(shape.body.errors[0]).toMatchObject({ field: "limit", rule: "regex" });
    const meaning = await getJson("/api/v1/events?since=last-week");
    expect(meaning.status).toBe(400);
    expect(meaning.body.errors[0]).toMatchObject({ field: "since" });
  });
});
