import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { foldStatusHistory, statusChangeOf } from "./device-status-history-fold.ts";

const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return {
    stream: "UAIP_DEVICES",
    seq,
    subject: "x",
    storedAt: new Date(Date.parse(event.occurredAt) + 1_000),
    event,
  };
}

const status = (id: string, s: "online" | "offline" | "error", minute: number, reason?: string) =>
  createEvent(
    "device.status_changed",
    id,
    { status: s, ...(reason ? { reason } : {}) },
    { occurredAt: at(minute) },
  );

/** Rows in sequence order, as the table keeps them. */
const { given } = foldSpec((events: readonly RecordedEvent[]) =>
  [...foldStatusHistory(events).values()].sort((a, b) => a.seq - b.seq),
);

describe("device status history fold", () => {
  it("device status history - a status change becomes a row keyed by its sequence", () => {
    given(recorded(status("b1", "error", 3, "overheated"), 7)).thenRows([
      {
        seq: 7,
        deviceId: "b1",
        status: "error",
        reason: "overheated",
        occurredAt: at(3),
        storedAt: "2026-11-21T10:03:01.000Z",
      },
    ]);
  });

  it("device status history - a change without a reason has a null reason", () => {
    given(recorded(status("b1", "online", 1), 1)).thenRows([{ seq: 1, reason: null }]);
  });

  it("device status history - every change is kept, even a repeat of the same status", () => {
    given(
      recorded(status("b1", "online", 1), 1),
      recorded(status("b1", "online", 2), 2),
      recorded(status("b1", "offline", 3), 3),
      recorded(status("b2", "online", 3), 4),
    ).thenRows([
      { seq: 1, deviceId: "b1", status: "online" },
      { seq: 2, deviceId: "b1", status: "online" },
      { seq: 3, deviceId: "b1", status: "offline" },
      { seq: 4, deviceId: "b2", status: "online" },
    ]);
  });

  it("device status history - other event types add nothing", () => {
    const registered = createEvent("device.registered", "b1", { name: "Bulb", type: "bulb" });
    const telemetry = createEvent("telemetry.reported", "b1", { metrics: { power: 1 } });
    const issued = createEvent("command.issued", "b1", {
      commandId: "c1",
      name: "set_power",
      expiresAt: at(9),
    });
    expect(statusChangeOf(recorded(registered, 1))).toBeUndefined();
    given(recorded(registered, 1), recorded(telemetry, 2), recorded(issued, 3)).thenRows([]);
  });

  it("device status history - a duplicate (same sequence) adds nothing", () => {
    const a = recorded(status("b1", "online", 1), 1);
    const b = recorded(status("b1", "offline", 2), 2);
    expect(foldStatusHistory([a, b, b, a])).toEqual(foldStatusHistory([a, b]));
  });

  it("device status history - the first row at a sequence stays, as ON CONFLICT DO NOTHING", () => {
    given(recorded(status("b1", "online", 1), 1), recorded(status("b1", "error", 2), 1)).thenRows([
      { seq: 1, status: "online" },
    ]);
  });

  it("device status history - events arriving out of order still give one row each", () => {
    given(
      recorded(status("b1", "offline", 3), 3),
      recorded(status("b1", "online", 1), 1),
      recorded(status("b1", "error", 2), 2),
    ).thenRows([
      { seq: 1, status: "online" },
      { seq: 2, status: "error" },
      { seq: 3, status: "offline" },
    ]);
  });

  it("device status history - times are kept in UTC with milliseconds", () => {
    const e = createEvent(
      "device.status_changed",
      "b1",
      { status: "online" },
      { occurredAt: "2026-11-21T12:00:00+02:00" },
    );
    given(recorded(e, 1)).thenRows([{ occurredAt: "2026-11-21T10:00:00.000Z" }]);
  });
});
