import { createEvent, streamName } from "@uaip/events";
import { cacheKeys } from "@uaip/projections";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWriteTestHub, type WriteTestHub } from "./testing/write-test-hub.ts";

let h: WriteTestHub;

beforeAll(async () => {
  h = await startWriteTestHub({ redisProjection: true });
});
afterAll(() => h?.close());

const lamp = (id: string) => ({
  id,
  name: `Lamp ${id}`,
  type: "smart-bulb",
  capabilities: ["set_power"],
});

/** Waits until every projector (PostgreSQL and Redis) has passed the devices stream's last event. */
async function devicesCaughtUp(): Promise<void> {
  const stream = streamName(h.t.namespace, "devices");
  const last = (await h.t.jsm.streams.info(stream)).state.last_seq;
  const onDevices = h.projectors.filter((p) => ["devices", "redis"].includes(p.name));
  expect(onDevices).toHaveLength(2);
  await waitFor(() => onDevices.every((p) => p.position >= last), 20_000, "devices caught up");
}

const rejected = (seq: number) =>
  h.t.db
    .selectFrom("rejected_events")
    .select(["reason", "message", "issues"])
    .where("projection", "=", "devices")
    .where("seq", "=", seq)
    .executeTakeFirst();

describe("device provenance", () => {
  it("provenance - a decommissioned device that registers itself again, or claims to be the operator, stays decommissioned everywhere", async () => {
    const id = "res-1";
    expect((await h.http("POST", "/api/v1/devices", lamp(id))).status).toBe(201);
    const gone = await h.http("DELETE", `/api/v1/devices/${id}`);
    expect(gone.status).toBe(200);
    await devicesCaughtUp();
    const before = await h.http("GET", `/api/v1/devices/${id}`);
    expect(before.body.decommissionedAt).toEqual(expect.any(String));

    // The device still holds its credentials and publishes on its own subjects.
    const s = h.t.subjects;
    const reRegistered = await h.t.publish(
      createEvent("device.registered", id, { name: "I am back", type: "smart-bulb" }),
    );
    const online = await h.t.publish(
      createEvent("device.status_changed", id, { status: "online" }),
    );
    const asOperator = await h.t.publishRaw(
      s.device(id, "registered"),
      JSON.stringify({
        source: "operator",
        data: { name: "Operator said so", type: "smart-bulb" },
      }),
    );
    await devicesCaughtUp();

    const row = await h.t.db
      .selectFrom("devices")
      .select(["name", "status", "decommissioned_at", "version"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.decommissioned_at).not.toBeNull();
    expect(row).toMatchObject({ name: `Lamp ${id}`, status: "unknown", version: gone.body.seq });
    const snapshot = await h.t.redis.hgetall(cacheKeys(h.t.namespace).device(id));
    expect(snapshot).toMatchObject({ name: `Lamp ${id}`, version: String(gone.body.seq) });
    expect(snapshot.decommissionedAt).toEqual(expect.any(String));
    const after = await h.http("GET", `/api/v1/devices/${id}`);
    expect(after.body).toMatchObject({
      name: `Lamp ${id}`,
      decommissionedAt: before.body.decommissionedAt,
      version: gone.body.seq,
    });
    const fleet = await h.t.db.selectFrom("fleet_stats").selectAll().execute();
    expect(fleet.filter((f) => Number(f.count) !== 0)).toEqual([]);

    for (const ack of [reRegistered, online]) {
      expect(await rejected(ack.seq)).toMatchObject({
        reason: "unfoldable",
        message: expect.stringContaining(`device ${id} was decommissioned at`),
      });
    }
    expect(await rejected(asOperator.seq)).toMatchObject({
      reason: "subject_mismatch",
      issues: [expect.objectContaining({ field: "source", rule: "subject" })],
    });
    // The operator's writes keep refusing it, and its id is not registered again.
    expect((await h.http("PATCH", `/api/v1/devices/${id}`, { name: "x" })).status).toBe(409);
    expect((await h.http("POST", "/api/v1/devices", lamp(id))).status).toBe(409);
  });

  it("provenance - a body claiming source operator on a device subject is never believed", async () => {
    const id = "claim-1";
    const ack = await h.t.publishRaw(
      h.t.subjects.device(id, "status"),
      JSON.stringify({ source: "operator", data: { status: "maintenance" } }),
    );
    await devicesCaughtUp();
    expect(await rejected(ack.seq)).toMatchObject({ reason: "subject_mismatch" });
    expect((await h.http("GET", `/api/v1/devices/${id}`)).status).toBe(404);
  });

  it("provenance - registration is unique across the device's own subject and the operator's", async () => {
    // The device registered itself first: the operator's POST is a conflict.
    await h.t.publish(createEvent("device.registered", "uq-1", { name: "Self", type: "sensor" }));
    const late = await h.http("POST", "/api/v1/devices", lamp("uq-1"));
    expect(late.status).toBe(409);
    expect(late.body.detail).toBe('device "uq-1" is already registered');

    // The operator registered it first: the device's own registration does not register it
    // again (it updates what it declares, never the type), and a second POST is a conflict.
    const first = await h.http("POST", "/api/v1/devices", lamp("uq-2"));
    expect(first.status).toBe(201);
    const self = await h.t.publish(
      createEvent("device.registered", "uq-2", {
        name: "Declared by the device",
        type: "toaster",
        firmware: "2.1",
      }),
    );
    await devicesCaughtUp();
    const view = await h.http("GET", "/api/v1/devices/uq-2");
    expect(view.body).toMatchObject({
      type: "smart-bulb",
      capabilities: ["set_power"],
      name: "Declared by the device",
      firmware: "2.1",
      registeredAt: first.body.device.registeredAt,
      version: self.seq,
    });
    expect((await h.http("POST", "/api/v1/devices", lamp("uq-2"))).status).toBe(409);
  });
});
