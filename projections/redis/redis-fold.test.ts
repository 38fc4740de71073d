import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { foldDevices } from "../devices/devices-fold.ts";
import { fleetCounts } from "../fleet-stats/fleet-stats-fold.ts";
import { sampleHistory } from "../testing/redis-fixtures.ts";
import { deviceToHash } from "./device-hash.ts";
import { foldRedis } from "./redis-fold.ts";

const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return { stream: "UAIP_DEVICES", seq, subject: "x", storedAt: new Date(event.occurredAt), event };
}

const registered = (id: string, type = "smart-bulb", minute = 0) =>
  createEvent("device.registered", id, { name: id, type }, { occurredAt: at(minute) });
const status = (id: string, s: "online" | "offline", minute: number) =>
  createEvent("device.status_changed", id, { status: s }, { occurredAt: at(minute) });

const { given } = foldSpec((events: readonly RecordedEvent[]) => foldRedis(events));

describe("redis fold", () => {
  it("redis fold - a registered device has its snapshot, its type set and its counts", () => {
    const events = [recorded(registered("b1"), 1)];
    given(...events).thenEquals({
      snapshots: new Map([["b1", deviceToHash(foldDevices(events).get("b1")!)]]),
      online: new Set(),
      types: new Map([["smart-bulb", new Set(["b1"])]]),
      counts: new Map([
        ["status:unknown", 1],
        ["type:smart-bulb", 1],
      ]),
    });
  });

  it("redis fold - an online device is in the online set; going offline takes it out", () => {
    const online = given(recorded(registered("b1"), 1), recorded(registered("b2"), 2)).when(
      recorded(status("b1", "online", 1), 3),
    );
    expect(online.result().online).toEqual(new Set(["b1"]));
    const offline = online.when(recorded(status("b1", "offline", 2), 4)).result();
    expect(offline.online).toEqual(new Set());
    expect(offline.counts.get("status:online")).toBeUndefined();
    expect(offline.counts.get("status:offline")).toBe(1);
  });

  it("redis fold - a decommissioned device keeps its snapshot but is in no set and no counter", () => {
    const gone = createEvent("device.decommissioned", "b1", {}, { occurredAt: at(5) });
    const model = given(recorded(registered("b1"), 1), recorded(status("b1", "online", 1), 2))
      .when(recorded(gone, 3))
      .result();
    expect(model.snapshots.get("b1")?.decommissionedAt).toBe(at(5));
    const { online, types, counts } = model;
    expect({ online, types, counts }).toEqual({
      online: new Set(),
      types: new Map(),
      counts: new Map(),
    });
  });

  it("redis fold - a device's later registration under another type keeps its type set", () => {
    const model = given(recorded(registered("b1"), 1))
      .when(recorded(registered("b1", "sensor", 3), 2))
      .result();
    expect(model.types).toEqual(new Map([["smart-bulb", new Set(["b1"])]]));
    expect(model.snapshots.get("b1")?.type).toBe("smart-bulb");
  });

  it("redis fold - the counters are the fleet_stats counts of the same history", () => {
    const events = sampleHistory();
    const { counts } = foldRedis(events);
    expect(counts).toEqual(fleetCounts(foldDevices(events).values()));
    expect(counts.get("type:sensor")).toBeUndefined();
    expect(counts.get("type:unknown")).toBe(1);
  });
});
