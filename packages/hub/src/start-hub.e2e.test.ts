import { createEvent } from "@uaip/events";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHub, startHub } from "./start-hub.ts";

let t: TestHub;
let hub: RunningHub;
let api: string;

beforeAll(async () => {
  t = await createTestHub();
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger);
  api = hub.url!;
});

afterAll(async () => {
  await hub?.stop();
  await t?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(`${api}${path}`);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: (await res.json()) as Record<string, unknown>,
  };
};

describe("walking skeleton", () => {
  it("skeleton - a device's registration and status published on NATS are served by GET /api/v1/devices/:id", async () => {
    const reg = createEvent("device.registered", "lamp-1", {
      name: "Desk lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
      location: "office",
    });
    const online = createEvent("device.status_changed", "lamp-1", {
      status: "online",
      reason: "boot",
    });
    await t.publish(reg);
    const ack = await t.publish(online);

    const device = await waitFor(
      async () => {
        const r = await getJson("/api/v1/devices/lamp-1");
        return r.status === 200 && (r.body.status as { value: string }).value === "online"
          ? r.body
          : undefined;
      },
      10_000,
      "lamp-1 online through the API",
    );
    expect(device).toMatchObject({
      id: "lamp-1",
      name: "Desk lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
      location: "office",
      status: { value: "online", reason: "boot", since: online.occurredAt },
      registeredAt: reg.occurredAt,
      version: ack.seq,
    });
  });

  it("skeleton - a plain NATS client publishing only {data} with no headers is accepted", async () => {
    await t.publishRaw(
      t.subjects.device("plain-7", "status"),
      JSON.stringify({ data: { status: "maintenance" } }),
    );
    const device = await waitFor(async () => {
      const r = await getJson("/api/v1/devices/plain-7");
      return r.status === 200 ? r.body : undefined;
    });
    expect(device).toMatchObject({ id: "plain-7", status: { value: "maintenance" } });
  });

  it("skeleton - a malformed event is rejected with its reason and sequence, and the projection goes on", async () => {
    const bad = await t.publishRaw(t.subjects.device("lamp-2", "status"), "{not json");
    const wrong = await t.publishRaw(
      t.subjects.device("lamp-2", "status"),
      JSON.stringify({ data: { status: "sleeping" } }),
    );
    await t.publish(createEvent("device.status_changed", "lamp-2", { status: "online" }));

    await waitFor(
      async () => (await getJson("/api/v1/devices/lamp-2")).status === 200,
      10_000,
      "lamp-2 projected after the bad events",
    );
    // The GET may be answered from Redis before the devices projection has committed the
    // batches holding the rejections: wait for that projection's rows.
    const rejected = await waitFor(
      async () => {
        const rows = await t.db
          .selectFrom("rejected_events")
          .selectAll()
          .where("projection", "=", "devices")
          .orderBy("seq")
          .execute();
        return rows.some((r) => r.seq >= wrong.seq) ? rows : undefined;
      },
      10_000,
      "the devices projection's rejections",
    );
    expect(
      rejected.map((r) => ({ seq: r.seq, reason: r.reason, projection: r.projection })),
    ).toEqual([
      { seq: bad.seq, reason: "malformed_json", projection: "devices" },
      { seq: wrong.seq, reason: "invalid_data", projection: "devices" },
    ]);
    expect(rejected[1]?.message).toContain("data.status");
    expect(rejected[0]?.payload).toBe("{not json");

    // Nothing is lost: the dead-letter stream holds both, with their origin, once for each
    // projection of the DEVICES stream (devices and device_status_history).
    const dlq = await waitFor(
      async () => {
        const info = await t.jsm.streams.info(`${t.namespace.toUpperCase()}_DEADLETTER`, {
          subjects_filter: ">",
        });
        // Not the Redis projection: it reads the same stream but leaves dead letters to these two.
        return info.state.messages === 4 ? info : undefined;
      },
      30_000,
      "four dead letters",
    );
    const letters = [];
    for (let seq = dlq.state.first_seq; seq <= dlq.state.last_seq; seq++) {
      const m = await t.jsm.streams.getMessage(dlq.config.name, { seq });
      if (m?.subject === t.subjects.deadLetter("devices")) {
        letters.push({
          seq: m.header.get("Uaip-Original-Seq"),
          reason: m.header.get("Uaip-Reason"),
          body: m.string(),
        });
      }
    }
    expect(letters).toEqual([
      { seq: String(bad.seq), reason: "malformed_json", body: "{not json" },
      {
        seq: String(wrong.seq),
        reason: "invalid_data",
        body: JSON.stringify({ data: { status: "sleeping" } }),
      },
    ]);
  });

  it("skeleton - an unknown device is a 404 in problem+json", async () => {
    const r = await getJson("/api/v1/devices/nobody-here");
    expect(r.status).toBe(404);
    expect(r.type).toBe("application/problem+json");
    expect(r.body).toMatchObject({
      status: 404,
      title: "Not found",
      detail: 'no device "nobody-here"',
    });
  });

  it("skeleton - a device id that cannot exist is a 400 naming the field", async () => {
    const r = await getJson("/api/v1/devices/has%20space");
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 400, errors: [{ field: "id", rule: "regex" }] });
  });

  it("skeleton - /health/ready reports NATS, PostgreSQL, Redis and every stream as up", async () => {
    const r = await getJson("/health/ready");
    expect(r.status).toBe(200);
    const components = r.body.components as Record<string, unknown>;
    expect(components).toMatchObject({
      nats: { status: "up" },
      postgres: { status: "up" },
      redis: { status: "up" },
    });
    expect(
      Object.values(components.streams as Record<string, { status: string }>).map((s) => s.status),
    ).toEqual(["up", "up", "up", "up"]);
  });

  it("skeleton - the checkpoint equals the last sequence of the stream once caught up", async () => {
    const info = await t.jsm.streams.info(`${t.namespace.toUpperCase()}_DEVICES`);
    await waitFor(
      async () => {
        const row = await t.db
          .selectFrom("projection_checkpoints")
          .select("position")
          .where("name", "=", "devices")
          .executeTakeFirst();
        return row?.position === info.state.last_seq;
      },
      30_000,
      "checkpoint at the stream's last sequence",
    );
  });
});
