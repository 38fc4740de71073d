import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import type { DeviceRow } from "../devices/device-row.ts";
import { foldDevices } from "../devices/devices-fold.ts";
import { fleetCounts, fleetStatsDelta } from "./fleet-stats-fold.ts";

const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return { stream: "UAIP_DEVICES", seq, subject: "x", storedAt: new Date(event.occurredAt), event };
}

const registered = (id: string, type = "smart-bulb") =>
  createEvent("device.registered", id, { name: id, type }, { occurredAt: at(0) });
const status = (id: string, s: "online" | "offline" | "error", minute: number) =>
  createEvent("device.status_changed", id, { status: s }, { occurredAt: at(minute) });

const { given } = foldSpec((events: readonly RecordedEvent[]) =>
  fleetCounts(foldDevices(events).values()),
);

describe("fleet stats fold", () => {
  it("fleet stats - every live device counts once by status and once by type", () => {
    given(
      recorded(registered("b1"), 1),
      recorded(registered("b2"), 2),
      recorded(registered("th1", "thermostat"), 3),
      recorded(status("b1", "online", 1), 4),
    ).thenEquals(
      new Map([
        ["status:online", 1],
        ["status:unknown", 2],
        ["type:smart-bulb", 2],
        ["type:thermostat", 1],
      ]),
    );
  });

  it("fleet stats - a status change moves the device from one count to the other, and empty counts go", () => {
    given(recorded(registered("b1"), 1))
      .when(recorded(status("b1", "online", 1), 2), recorded(status("b1", "error", 2), 3))
      .thenEquals(
        new Map([
          ["status:error", 1],
          ["type:smart-bulb", 1],
        ]),
      );
  });

  it("fleet stats - a decommissioned device leaves both its counts", () => {
    const gone = createEvent("device.decommissioned", "b1", {}, { occurredAt: at(5) });
    given(recorded(registered("b1"), 1), recorded(registered("b2"), 2))
      .when(recorded(gone, 3))
      .thenEquals(
        new Map([
          ["status:unknown", 1],
          ["type:smart-bulb", 1],
        ]),
      );
  });

  it("fleet stats - a device seen before its registration counts under type unknown", () => {
    given(recorded(status("plain-1", "online", 1), 1)).thenEquals(
      new Map([
        ["status:online", 1],
        ["type:unknown", 1],
      ]),
    );
  });

  it("fleet stats - the delta of a batch names only what moved; a change back and forth moves nothing", () => {
    const rows = foldDevices([
      recorded(registered("b1"), 1),
      recorded(status("b1", "online", 1), 2),
    ]);
    const before = new Map(rows);
    const b1 = rows.get("b1") as DeviceRow;
    expect(fleetStatsDelta([{ ...b1, status: "offline", version: 3 }], before)).toEqual([
      { dimension: "status", key: "online", delta: -1 },
      { dimension: "status", key: "offline", delta: 1 },
    ]);
    expect(fleetStatsDelta([{ ...b1, version: 4 }], before)).toEqual([]);
    // A type holding ":" stays one key (the delta keeps dimension and value apart).
    expect(fleetStatsDelta([{ ...b1, type: "a:b" }], new Map())).toEqual([
      { dimension: "status", key: "online", delta: 1 },
      { dimension: "type", key: "a:b", delta: 1 },
    ]);
  });
});
