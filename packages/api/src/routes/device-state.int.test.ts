// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { createEvent, streamName } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;
const seqs: number[] = [];
const stored: Date[] = [];
const t0 = new Date("2026-11-21T08:00:00.000Z");
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" });
  const events = [
    createEvent(
      "device.registered",
      "pump-1",
      { name: "Alpha", type: "pump", tags: ["a"] },
      { occurredAt: at(0) },
    ),
    createEvent(
      "device.registered",
      "other-1",
      { name: "Other", type: "pump" },
      { occurredAt: at(0) },
    ),
    createEvent(
      "device.status_changed",
      "pump-1",
      { status: "online", reason: "boot" },
      { occurredAt: at(1) },
    ),
    createEvent(
      "device.updated",
      "pump-1",
      { name: "Beta", tags: ["a", "b"] },
      { occurredAt: at(2), source: "operator" },
    ),
    createEvent("device.status_changed", "other-1", { status: "error" }, { occurredAt: at(2) }),
    createEvent(
      "device.status_changed",
      "pump-1",
      { status: "error", reason: "overheat" },
      { occurredAt: at(3) },
    ),
  ];
  for (const e of events) {
    const ack = await h.t.publish(e);
    const m = await h.t.jsm.streams.getMessage(streamName(h.t.namespace, "devices"), {
      seq: ack.seq,
    });
    seqs.push(ack.seq);
    stored.push(new Date(m!.timestamp));
    await new Promise((r) => setTimeout(r, 20)); // distinct storage times
  }
  await h.caughtUp();
});
afterAll(() => h?.close());

const getJson = async (path: string) => {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as any };
};

describe("GET /api/v1/devices/{id}/state", () => {
  it("time travel - at now it equals the live projection", async () => {
    const live = await getJson("/api/v1/devices/pump-1");
    for (const q of [
      "",
      `?at=${new Date(Date.now() + 60_000).toISOString()}`,
      `?at=${seqs.at(-1)}`,
    ]) {
      const then = await getJson(`/api/v1/devices/pump-1/state${q}`);
      expect(then.status, q).toBe(200);
      expect(then.body.device, q).toEqual(live.body);
      expect(then.body).toMatchObject({ seq: seqs[5], events: 4 });
    }
  });

  it("time travel - at a stream sequence, the state hand-folded from the events up to it", async () => {
    const r = await getJson(`/api/v1/devices/pump-1/state?at=${seqs[3]}`);
    expect(r.body).toEqual({
      at: String(seqs[3]),
      seq: seqs[3],
      storedAt: stored[3]!.toISOString(),
      events: 3,
      device: {
        id: "pump-1",
        name: "Beta",
        type: "pump",
        capabilities: [],
        tags: ["a", "b"],
        location: null,
        firmware: null,
        metadata: {},
        status: { value: "online", reason: "boot", since: at(1).toISOString() },
        registeredAt: at(0).toISOString(),
        lastSeenAt: at(1).toISOString(), // an operator's update is not the device being seen
        decommissionedAt: null,
        version: seqs[3],
      },
    });
  });

  it("time travel - at an ISO time, the events stored at or before it", async () => {
    // Between the other device's status (seq 5) and pump-1's error (seq 6).
    const between = new Date((stored[4]!.getTime() + stored[5]!.getTime()) / 2);
    const r = await getJson(`/api/v1/devices/pump-1/state?at=${between.toISOString()}`);
    expect(r.body).toMatchObject({
      seq: seqs[3],
      device: { name: "Beta", status: { value: "online" }, version: seqs[3] },
    });
    const early = await getJson(`/api/v1/devices/pump-1/state?at=${stored[0]!.toISOString()}`);
    expect(early.body).toMatchObject({
      seq: seqs[0],
      events: 1,
      device: { name: "Alpha", status: { value: "unknown" } },
    });
  });

  it("time travel - before the device's first event is 404; a bad instant is 400", async () => {
    const before = await getJson(
      `/api/v1/devices/pump-1/state?at=${new Date(stored[0]!.getTime() - 1000).toISOString()}`,
    );
    expect(before.status).toBe(404);
    expect((await getJson("/api/v1/devices/other-1/state?at=0")).status).toBe(404);
    expect((await getJson("/api/v1/devices/nobody/state")).status).toBe(404);
    const bad = await getJson("/api/v1/devices/pump-1/state?at=last-tuesday");
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: "at", rule: "check" });
  });
});
