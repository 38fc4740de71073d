import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { UnfoldableEventError } from "../projection.ts";
import { evolveDevice, foldDevices } from "./devices-fold.ts";

let seq = 0;
const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

function recorded(event: DeviceEvent, s = ++seq): RecordedEvent {
  return {
    stream: "UAIP_DEVICES",
    seq: s,
    subject: "x",
    storedAt: new Date(event.occurredAt),
    event,
  };
}

const registered = (id: string, minute = 0) =>
  createEvent(
    "device.registered",
    id,
    { name: `Bulb ${id}`, type: "smart-bulb", capabilities: ["set_power"], tags: ["home"] },
    { occurredAt: at(minute) },
  );
const status = (id: string, s: "online" | "offline" | "error", minute: number, reason?: string) =>
  createEvent(
    "device.status_changed",
    id,
    { status: s, ...(reason ? { reason } : {}) },
    { occurredAt: at(minute) },
  );

const { given } = foldSpec((events: readonly RecordedEvent[]) => [...foldDevices(events).values()]);

describe("devices fold", () => {
  it("devices - registration creates the row with registry fields and unknown status", () => {
    given(recorded(registered("b1", 0), 1)).thenRows([
      {
        id: "b1",
        name: "Bulb b1",
        type: "smart-bulb",
        capabilities: ["set_power"],
        tags: ["home"],
        status: "unknown",
        registeredAt: at(0),
        version: 1,
      },
    ]);
  });

  it("devices - the latest status wins with its reason and time", () => {
    given(
      recorded(registered("b1"), 1),
      recorded(status("b1", "online", 1), 2),
      recorded(status("b1", "error", 2, "overheated"), 3),
    ).thenRows([
      {
        id: "b1",
        status: "error",
        statusReason: "overheated",
        statusChangedAt: at(2),
        lastSeenAt: at(2),
        version: 3,
      },
    ]);
  });

  it("devices - an update changes only the fields it names", () => {
    const update = createEvent(
      "device.updated",
      "b1",
      { location: "kitchen" },
      { occurredAt: at(3) },
    );
    given(recorded(registered("b1"), 1), recorded(update, 2)).thenRows([
      { name: "Bulb b1", tags: ["home"], location: "kitchen", version: 2 },
    ]);
  });

  it("devices - decommissioning keeps the row and stamps the time", () => {
    const gone = createEvent(
      "device.decommissioned",
      "b1",
      { reason: "replaced" },
      { occurredAt: at(5) },
    );
    given(recorded(registered("b1"), 1), recorded(gone, 2)).thenRows([
      { id: "b1", decommissionedAt: at(5), version: 2 },
    ]);
  });

  it("devices - a duplicate (same sequence) changes nothing", () => {
    const r = recorded(registered("b1"), 1);
    const s = recorded(status("b1", "online", 1), 2);
    expect(foldDevices([r, s, s, r])).toEqual(foldDevices([r, s]));
  });

  it("devices - an older event replayed after a newer one is ignored (sequence guard)", () => {
    const r = recorded(registered("b1"), 1);
    const online = recorded(status("b1", "online", 1), 2);
    const offline = recorded(status("b1", "offline", 2), 3);
    given(r, offline, online).thenRows([{ status: "offline", version: 3 }]);
  });

  it("devices - a status before any registration still creates the device, named by its id", () => {
    given(recorded(status("plain-1", "online", 4), 1)).thenRows([
      { id: "plain-1", name: "plain-1", type: "unknown", status: "online", registeredAt: null },
    ]);
  });

  it("devices - events from the hub or an operator do not count as the device being seen", () => {
    const offline = createEvent(
      "device.status_changed",
      "b1",
      { status: "offline", reason: "heartbeat timeout" },
      { occurredAt: at(9), source: "hub" },
    );
    given(
      recorded(registered("b1", 0), 1),
      recorded(status("b1", "online", 1), 2),
      recorded(offline, 3),
    ).thenRows([{ status: "offline", lastSeenAt: at(1) }]);
  });

  it("devices - events of other streams leave the row untouched", () => {
    const row = evolveDevice(undefined, recorded(registered("b1"), 1));
    const telemetry = createEvent("telemetry.reported", "b1", { metrics: { power: 1 } });
    expect(evolveDevice(row, recorded(telemetry, 2))).toBe(row);
  });

  it("devices - devices fold independently", () => {
    given(
      recorded(registered("a"), 1),
      recorded(registered("b"), 2),
      recorded(status("a", "online", 1), 3),
    ).thenRows([
      { id: "a", status: "online", version: 3 },
      { id: "b", status: "unknown", version: 2 },
    ]);
  });

  it("devices - after decommissioning, the device's own events are refused and nothing changes", () => {
    const gone = createEvent(
      "device.decommissioned",
      "b1",
      {},
      { occurredAt: at(5), source: "operator" },
    );
    const resurrect = createEvent(
      "device.registered",
      "b1",
      { name: "Back", type: "smart-bulb" },
      { occurredAt: at(6) },
    );
    const refused: string[] = [];
    const rows = foldDevices(
      [
        recorded(registered("b1"), 1),
        recorded(gone, 2),
        recorded(resurrect, 3),
        recorded(status("b1", "online", 7), 4),
      ],
      new Map(),
      (err) => refused.push(`${err.seq}: ${err.message}`),
    );
    expect(rows.get("b1")).toMatchObject({
      name: "Bulb b1",
      status: "unknown",
      decommissionedAt: at(5),
      lastSeenAt: at(0),
      version: 2,
    });
    expect(refused).toEqual([
      `3: device b1 was decommissioned at ${at(5)}: events it sends are refused`,
      `4: device b1 was decommissioned at ${at(5)}: events it sends are refused`,
    ]);
  });

  it("devices - after decommissioning, what the hub appends still folds", () => {
    const gone = createEvent(
      "device.decommissioned",
      "b1",
      {},
      { occurredAt: at(5), source: "operator" },
    );
    const offline = createEvent(
      "device.status_changed",
      "b1",
      { status: "offline" },
      { occurredAt: at(6), source: "hub" },
    );
    given(recorded(registered("b1"), 1), recorded(gone, 2), recorded(offline, 3)).thenRows([
      { status: "offline", decommissionedAt: at(5), version: 3 },
    ]);
  });

  it("devices - the first registration registers; the device's later one updates what it declares, not the type", () => {
    const byOperator = createEvent(
      "device.registered",
      "b1",
      { name: "Desk lamp", type: "smart-bulb", location: "office" },
      { occurredAt: at(0), source: "operator" },
    );
    const byDevice = createEvent(
      "device.registered",
      "b1",
      { name: "lamp fw 2", type: "toaster", capabilities: ["set_power"], firmware: "2.0" },
      { occurredAt: at(3) },
    );
    given(recorded(byOperator, 1), recorded(byDevice, 2)).thenRows([
      {
        name: "lamp fw 2",
        type: "smart-bulb",
        capabilities: ["set_power"],
        firmware: "2.0",
        location: "office",
        registeredAt: at(0),
        version: 2,
      },
    ]);
  });

  it("devices - an operator's registration after the device's own is refused", () => {
    const byOperator = createEvent(
      "device.registered",
      "b1",
      { name: "Operator's", type: "other" },
      { occurredAt: at(2), source: "operator" },
    );
    const row = evolveDevice(undefined, recorded(registered("b1"), 1));
    expect(() => evolveDevice(row, recorded(byOperator, 2))).toThrow(UnfoldableEventError);
    expect(() => evolveDevice(row, recorded(byOperator, 2))).toThrow(/already registered/);
  });
});
