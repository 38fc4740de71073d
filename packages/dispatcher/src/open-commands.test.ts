import { createEvent, type DeviceEvent } from "@uaip/events";
import { describe, expect, it } from "vitest";
import { OpenCommands } from "./open-commands.ts";

const expiresAt = "2030-01-01T00:00:00.000Z";
const issued = (commandId: string, deviceId = "d1"): DeviceEvent =>
  createEvent("command.issued", deviceId, {
    commandId,
    name: "set_power",
    params: { on: true },
    expiresAt,
  });
const delivered = (commandId: string, attempt: number): DeviceEvent =>
  createEvent("command.delivered", "d1", { commandId, attempt }, { source: "hub" });

describe("open commands", () => {
  it("open commands - issued opens, delivered hands over, completed closes", () => {
    const open = new OpenCommands();
    expect(open.apply(issued("c1"))).toMatchObject({
      kind: "opened",
      command: {
        commandId: "c1",
        deviceId: "d1",
        expiresAt: Date.parse(expiresAt),
        handedOver: false,
      },
    });
    expect(open.apply(delivered("c1", 2))).toMatchObject({
      kind: "handed-over",
      command: { attempts: 2 },
    });
    expect(open.apply(createEvent("command.acknowledged", "d1", { commandId: "c1" }))).toEqual({
      kind: "ignored",
    });
    expect(
      open.apply(createEvent("command.completed", "d1", { commandId: "c1", result: 1 })),
    ).toMatchObject({
      kind: "closed",
      state: "completed",
    });
    expect(open.size).toBe(0);
  });

  it("open commands - a repeated issued, and events of unknown or closed commands, are ignored", () => {
    const open = new OpenCommands();
    open.apply(issued("c1"));
    expect(open.apply(issued("c1"))).toEqual({ kind: "ignored" });
    expect(open.apply(delivered("c9", 1))).toEqual({ kind: "ignored" });
    open.apply(createEvent("command.cancelled", "d1", { commandId: "c1" }, { source: "operator" }));
    expect(open.apply(createEvent("command.expired", "d1", { commandId: "c1" }))).toEqual({
      kind: "ignored",
    });
    expect(open.apply(createEvent("device.status_changed", "d1", { status: "online" }))).toEqual({
      kind: "ignored",
    });
  });

  it("open commands - loads the read model's open rows; delivered or acknowledged ones count as handed over", () => {
    const open = new OpenCommands();
    open.load([
      {
        commandId: "a",
        deviceId: "d1",
        name: "n",
        params: {},
        state: "issued",
        attempts: 0,
        expiresAt,
      },
      {
        commandId: "b",
        deviceId: "d1",
        name: "n",
        params: {},
        state: "acknowledged",
        attempts: 1,
        expiresAt,
      },
    ]);
    expect(open.get("a")?.handedOver).toBe(false);
    expect(open.get("b")).toMatchObject({ handedOver: true, attempts: 1 });
  });
});
