import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { UnfoldableEventError } from "../projection.ts";
import { evolveCommand, foldCommands } from "./commands-fold.ts";

const at = (minute: number) => `2026-11-21T10:${String(minute).padStart(2, "0")}:00.000Z`;

function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return {
    stream: "UAIP_COMMANDS",
    seq,
    subject: "x",
    storedAt: new Date(event.occurredAt),
    event,
  };
}

const occurred = (minute: number) => ({ occurredAt: at(minute), source: "hub" as const });
const issued = (id: string, minute = 0, extra: { idempotencyKey?: string } = {}) =>
  createEvent(
    "command.issued",
    "b1",
    { commandId: id, name: "set_brightness", params: { level: 80 }, expiresAt: at(30), ...extra },
    { occurredAt: at(minute), source: "operator" },
  );
const delivered = (id: string, attempt: number, minute: number) =>
  createEvent("command.delivered", "b1", { commandId: id, attempt }, occurred(minute));
const acknowledged = (id: string, minute: number) =>
  createEvent("command.acknowledged", "b1", { commandId: id }, { occurredAt: at(minute) });
const completed = (id: string, minute: number, result?: unknown) =>
  createEvent(
    "command.completed",
    "b1",
    { commandId: id, ...(result !== undefined ? { result } : {}) },
    { occurredAt: at(minute) },
  );
const failed = (id: string, minute: number) =>
  createEvent(
    "command.failed",
    "b1",
    { commandId: id, error: { message: "level out of range", code: "RANGE" } },
    { occurredAt: at(minute) },
  );
const expired = (id: string, minute: number) =>
  createEvent("command.expired", "b1", { commandId: id }, occurred(minute));
const cancelled = (id: string, minute: number) =>
  createEvent(
    "command.cancelled",
    "b1",
    { commandId: id, reason: "no longer needed" },
    { occurredAt: at(minute), source: "operator" },
  );

const { given } = foldSpec((events: readonly RecordedEvent[]) => [
  ...foldCommands(events).values(),
]);

describe("commands fold", () => {
  it("commands - issuing creates the row in state issued with no attempts", () => {
    given(recorded(issued("c1", 0, { idempotencyKey: "k-1" }), 1)).thenRows([
      {
        commandId: "c1",
        deviceId: "b1",
        name: "set_brightness",
        params: { level: 80 },
        state: "issued",
        attempts: 0,
        issuedAt: at(0),
        expiresAt: at(30),
        deliveredAt: null,
        result: null,
        error: null,
        idempotencyKey: "k-1",
        version: 1,
      },
    ]);
  });

  it("commands - the happy path ends completed with the handler's result", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(delivered("c1", 1, 1), 2),
      recorded(acknowledged("c1", 2), 3),
      recorded(completed("c1", 3, { brightness: 80 }), 4),
    ).thenRows([
      {
        state: "completed",
        attempts: 1,
        deliveredAt: at(1),
        acknowledgedAt: at(2),
        completedAt: at(3),
        result: { brightness: 80 },
        version: 4,
      },
    ]);
  });

  it("commands - a completion without a result stores a null result", () => {
    given(recorded(issued("c1"), 1), recorded(completed("c1", 3), 2)).thenRows([
      { state: "completed", result: null },
    ]);
  });

  it("commands - a failure keeps the device's error", () => {
    given(recorded(issued("c1"), 1), recorded(failed("c1", 4), 2)).thenRows([
      { state: "failed", failedAt: at(4), error: { message: "level out of range", code: "RANGE" } },
    ]);
  });

  it("commands - expiry and cancellation stamp their time", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(issued("c2"), 2),
      recorded(expired("c1", 30), 3),
      recorded(cancelled("c2", 5), 4),
    ).thenRows([
      { commandId: "c1", state: "expired", expiredAt: at(30) },
      { commandId: "c2", state: "cancelled", cancelledAt: at(5) },
    ]);
  });

  it("commands - attempts is the highest attempt delivered, the time the latest delivery", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(delivered("c1", 1, 1), 2),
      recorded(delivered("c1", 3, 2), 3),
      recorded(delivered("c1", 2, 3), 4),
    ).thenRows([{ state: "delivered", attempts: 3, deliveredAt: at(3), version: 4 }]);
  });

  it("commands - a final state is terminal: a delivery stored after cancelled keeps cancelled", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(cancelled("c1", 2), 2),
      recorded(delivered("c1", 1, 3), 3),
      recorded(acknowledged("c1", 4), 4),
    ).thenRows([
      // What is harmless and true is still recorded: the delivery did happen.
      { state: "cancelled", cancelledAt: at(2), deliveredAt: at(3), attempts: 1, version: 4 },
    ]);
  });

  it("commands - a second outcome after a final one is ignored", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(expired("c1", 30), 2),
      recorded(completed("c1", 31, { late: true }), 3),
      recorded(failed("c1", 32), 4),
    ).thenRows([
      {
        state: "expired",
        completedAt: null,
        result: null,
        failedAt: null,
        error: null,
        version: 2,
      },
    ]);
  });

  it("commands - the dispatcher's outcome and the device's own copy are both stored: the first in stream order wins", () => {
    const byHub = createEvent(
      "command.completed",
      "b1",
      { commandId: "c1", result: { from: "reply" } },
      { ...occurred(2), id: "c1.outcome" },
    );
    const byDevice = failed("c1", 3); // a device that disagrees with itself changes nothing
    given(recorded(issued("c1"), 1), recorded(byHub, 2), recorded(byDevice, 3)).thenRows([
      { state: "completed", result: { from: "reply" }, failedAt: null, error: null, version: 2 },
    ]);
  });

  it("commands - the state never goes back: a redelivery after acknowledged keeps acknowledged", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(delivered("c1", 1, 1), 2),
      recorded(acknowledged("c1", 2), 3),
      recorded(delivered("c1", 2, 3), 4),
    ).thenRows([{ state: "acknowledged", attempts: 2, deliveredAt: at(3), version: 4 }]);
  });

  it("commands - a second issue of the same command changes nothing", () => {
    const again = createEvent(
      "command.issued",
      "b1",
      { commandId: "c1", name: "reboot", expiresAt: at(50) },
      { occurredAt: at(9) },
    );
    given(recorded(issued("c1"), 1), recorded(again, 2)).thenRows([
      { name: "set_brightness", issuedAt: at(0), expiresAt: at(30), version: 1 },
    ]);
  });

  it("commands - a duplicate (same sequence) changes nothing", () => {
    const i = recorded(issued("c1"), 1);
    const d = recorded(delivered("c1", 1, 1), 2);
    expect(foldCommands([i, d, d, i])).toEqual(foldCommands([i, d]));
  });

  it("commands - an older event replayed after a newer one is ignored (sequence guard)", () => {
    const i = recorded(issued("c1"), 1);
    const d = recorded(delivered("c1", 1, 1), 2);
    const c = recorded(completed("c1", 3, 42), 3);
    given(i, c, d).thenRows([{ state: "completed", result: 42, deliveredAt: null, version: 3 }]);
  });

  it("commands - an event for a command never issued cannot be folded", () => {
    const orphan = recorded(delivered("ghost", 1, 1), 9);
    const thrown = (() => {
      try {
        evolveCommand(undefined, orphan);
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(UnfoldableEventError);
    expect(thrown).toMatchObject({ message: "command ghost was never issued", seq: 9 });
  });

  it("commands - a whole-history fold skips and reports what the runtime dead-letters", () => {
    const unfoldable: UnfoldableEventError[] = [];
    const rows = foldCommands(
      [recorded(completed("ghost", 1), 1), recorded(issued("c1"), 2)],
      new Map(),
      (err) => unfoldable.push(err),
    );
    expect([...rows.keys()]).toEqual(["c1"]);
    expect(unfoldable.map((e) => [e.message, e.seq])).toEqual([
      ["command ghost was never issued", 1],
    ]);
  });

  it("commands - events of other streams leave the row untouched", () => {
    const row = evolveCommand(undefined, recorded(issued("c1"), 1));
    const status = createEvent("device.status_changed", "b1", { status: "online" });
    expect(evolveCommand(row, recorded(status, 2))).toBe(row);
    expect(foldCommands([recorded(status, 3)]).size).toBe(0);
  });

  it("commands - commands fold independently", () => {
    given(
      recorded(issued("c1"), 1),
      recorded(issued("c2"), 2),
      recorded(delivered("c2", 1, 1), 3),
    ).thenRows([
      { commandId: "c1", state: "issued", version: 1 },
      { commandId: "c2", state: "delivered", version: 3 },
    ]);
  });
});
