import { createEvent, DeviceStatuses } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" });
  await h.publishAndWait(sampleDevice("rw-1"));
});
afterAll(() => h?.close());

describe("read-your-writes", () => {
  it("read-your-writes - a read with X-Min-Sequence sees the write it names, every time", async () => {
    for (let i = 0; i < 20; i++) {
      const status = DeviceStatuses[i % DeviceStatuses.length]!;
      const ack = await h.t.publish(
        createEvent("device.status_changed", "rw-1", { status, reason: `round ${i}` }),
      );
      const res = await h.app.request("/api/v1/devices/rw-1", {
        headers: { "x-min-sequence": `devices:${ack.seq}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        status: { value: string; reason: string };
        version: number;
      };
      expect(body.status).toMatchObject({ value: status, reason: `round ${i}` });
      expect(body.version).toBe(ack.seq);
    }
  });

  it("read-your-writes - min_seq in the query and the stream's full name work the same", async () => {
    const ack = await h.t.publish(
      createEvent("device.registered", "rw-2", { name: "Second", type: "pump" }),
    );
    const list = await h.app.request(`/api/v1/devices?type=pump&min_seq=devices:${ack.seq}`);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((d) => d.id)).toEqual([
      "rw-2",
    ]);
    const ack2 = await h.t.publish(
      createEvent("device.status_changed", "rw-2", { status: "maintenance" }),
    );
    const history = await h.app.request("/api/v1/devices/rw-2/history", {
      headers: { "x-min-sequence": `${h.t.namespace.toUpperCase()}_DEVICES:${ack2.seq}` },
    });
    expect(
      ((await history.json()) as { items: { seq: number }[] }).items.map((x) => x.seq),
    ).toEqual([ack2.seq]);
  });

  it("read-your-writes - a sequence the projection does not reach in time is 503 saying how far behind it is", async () => {
    const slow = createApp({
      namespace: h.t.namespace,
      db: h.t.db,
      redis: h.t.redis,
      nc: h.t.nc,
      jsm: h.t.jsm,
      logger: h.t.logger,
      options: { auth: "off", readWaitMs: 300 },
    });
    const started = Date.now();
    const res = await slow.request("/api/v1/devices/rw-1", {
      headers: { "x-min-sequence": "devices:1000000" },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    const body = (await res.json()) as {
      detail: string;
      behind: { projection: string; checkpoint: number; required: number }[];
    };
    expect(body.behind).toEqual([
      { projection: "devices", checkpoint: expect.any(Number), required: 1_000_000 },
    ]);
    expect(body.detail).toContain('projection "devices" is at');
  });

  it("read-your-writes - a stream the route does not read is no reason to wait", async () => {
    const res = await h.app.request("/api/v1/devices/rw-1", {
      headers: { "x-min-sequence": "commands:999999" },
    });
    expect(res.status).toBe(200);
  });

  it("read-your-writes - a malformed X-Min-Sequence or an unknown stream is 400 naming it", async () => {
    for (const value of ["devices", "devices:abc", "orders:12", "devices:1;commands:2"]) {
      const res = await h.app.request("/api/v1/devices/rw-1", {
        headers: { "x-min-sequence": value },
      });
      expect(res.status, value).toBe(400);
      const body = (await res.json()) as { errors: { field: string; rule: string }[] };
      expect(body.errors[0]).toMatchObject({ field: "X-Min-Sequence", rule: "min_sequence" });
    }
    const q = await h.app.request("/api/v1/devices?min_seq=nope");
    expect(((await q.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("min_seq");
  });
});
