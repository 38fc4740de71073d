import { readLog } from "@uaip/log-reader";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DispatchTestHub, startDispatchTestHub } from "./testing/dispatch-test-hub.ts";

let h: DispatchTestHub;

beforeAll(async () => {
  h = await startDispatchTestHub();
  await h.startDispatcher();
});
afterAll(() => h?.close());

const issue = async (deviceId: string, body: Record<string, unknown>) => {
  const r = await h.http("POST", `/api/v1/devices/${deviceId}/commands`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.commandId as string;
};

/** The phases of a command in the log, in stream order. */
async function phasesInLog(deviceId: string, commandId: string) {
  await using log = await readLog(h.t.js, h.t.jsm, {
    namespace: h.t.namespace,
    stream: "commands",
    filter: h.t.subjects.commandEvents(deviceId, commandId),
  });
  const out: { phase: string; source: string }[] = [];
  // The phase is the fifth token; the hub's appends carry their origin after it.
  for await (const { raw } of log)
    out.push({ phase: raw.subject.split(".")[4]!, source: sourceOf(raw.data) });
  return out;
}

const sourceOf = (data: Uint8Array) =>
  (JSON.parse(new TextDecoder().decode(data)) as { source: string }).source;

describe("command lifecycle", () => {
  it("lifecycle - issued → delivered → acknowledged → completed with the handler's result, read back over HTTP", async () => {
    await h.register("life-1", ["set_power"]);
    await h.device("life-1", { set_power: (p) => ({ on: p.on, watts: 7 }) });
    const id = await issue("life-1", { name: "set_power", params: { on: true } });
    const cmd = await h.command(id);
    expect(cmd).toMatchObject({
      id,
      deviceId: "life-1",
      state: "completed",
      result: { on: true, watts: 7 },
      attempts: 1,
      error: null,
    });
    for (const phase of ["deliveredAt", "acknowledgedAt", "completedAt"])
      expect(cmd[phase]).toEqual(expect.any(String));
    const phases = await phasesInLog("life-1", id);
    expect(phases.slice(0, 4)).toEqual([
      { phase: "issued", source: "operator" },
      { phase: "delivered", source: "hub" },
      { phase: "acknowledged", source: "hub" },
      { phase: "completed", source: "hub" },
    ]);
    // The device's safety-net copy of its outcome, if it is stored by now, comes after.
    expect(phases.slice(4)).toEqual(
      phases.length > 4 ? [{ phase: "completed", source: "device" }] : [],
    );
  });

  it("lifecycle - a handler that throws fails the command with its message and code", async () => {
    await h.register("life-2", ["reboot"]);
    await h.device("life-2", {
      reboot: () => {
        throw Object.assign(new Error("battery too low"), { code: "LOW_BATTERY" });
      },
    });
    const cmd = await h.command(await issue("life-2", { name: "reboot" }));
    expect(cmd).toMatchObject({
      state: "failed",
      error: { message: "battery too low", code: "LOW_BATTERY" },
      result: null,
    });
  });

  it("lifecycle - a long handler is acknowledged first and completed by the device itself", async () => {
    await h.register("life-3", ["update_firmware"]);
    await h.device(
      "life-3",
      {
        update_firmware: async () => {
          await new Promise((r) => setTimeout(r, 400));
          return { version: "2.0" };
        },
      },
      { inlineResultMs: 50 },
    );
    const id = await issue("life-3", { name: "update_firmware" });
    const acked = await waitFor(async () => {
      const c = (await h.http("GET", `/api/v1/commands/${id}`)).body;
      return c.state === "acknowledged" || c.state === "completed" ? c : undefined;
    });
    expect(acked.state).toBe("acknowledged");
    expect(await h.command(id)).toMatchObject({ state: "completed", result: { version: "2.0" } });
    expect((await phasesInLog("life-3", id)).map((p) => `${p.phase}:${p.source}`)).toEqual([
      "issued:operator",
      "delivered:hub",
      "acknowledged:hub",
      "completed:device",
    ]);
  });

  it("lifecycle - a command for an offline device waits, and is delivered once it connects", async () => {
    await h.register("life-4", ["set_power"]);
    const id = await issue("life-4", { name: "set_power", params: { on: false } });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await h.command(id, 0)).toMatchObject({
      state: "issued",
      attempts: 0,
      deliveredAt: null,
    });
    let runs = 0;
    await h.device("life-4", {
      set_power: () => {
        runs++;
        return "ok";
      },
    });
    expect(await h.command(id)).toMatchObject({ state: "completed", result: "ok" });
    expect(runs).toBe(1);
  });

  it("lifecycle - a command whose time to live passes before delivery is expired, and never runs", async () => {
    await h.register("life-5", ["set_power"]);
    const id = await issue("life-5", { name: "set_power", ttl: 1 });
    expect(await h.command(id, 5)).toMatchObject({ state: "expired", deliveredAt: null });
    let runs = 0;
    await h.device("life-5", {
      set_power: () => {
        runs++;
      },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(runs).toBe(0);
  });

  it("lifecycle - a command cancelled before delivery is never delivered", async () => {
    await h.register("life-6", ["set_power"]);
    const id = await issue("life-6", { name: "set_power" });
    const cancel = await h.http("POST", `/api/v1/commands/${id}/cancel`, { reason: "not needed" });
    expect(cancel.status).toBe(202);
    let runs = 0;
    await h.device("life-6", {
      set_power: () => {
        runs++;
      },
    });
    // A second command issued after the cancelled one is delivered: the lane went on.
    const next = await issue("life-6", { name: "set_power" });
    expect(await h.command(next)).toMatchObject({ state: "completed" });
    expect(runs).toBe(1);
    expect(await h.command(id, 0)).toMatchObject({
      state: "cancelled",
      deliveredAt: null,
      attempts: 0,
    });
    expect((await phasesInLog("life-6", id)).map((p) => p.phase)).toEqual(["issued", "cancelled"]);
    const late = await h.http("POST", `/api/v1/commands/${next}/cancel`);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ state: "completed" });
  });

  it("lifecycle - a command the device has no handler for fails as UNKNOWN_COMMAND", async () => {
    await h.register("life-7", ["dance"]);
    await h.device("life-7");
    const cmd = await h.command(await issue("life-7", { name: "dance" }));
    expect(cmd).toMatchObject({ state: "failed", error: { code: "UNKNOWN_COMMAND" } });
  });

  it("lifecycle - decommissioning a device cancels its open commands", async () => {
    await h.register("life-8", ["set_power"]);
    const id = await issue("life-8", { name: "set_power" });
    expect((await h.http("DELETE", "/api/v1/devices/life-8")).status).toBe(200);
    // It is tried when the device shows up (or at the offline recheck), and cancelled then.
    await h.device("life-8", { set_power: () => "should not run" });
    expect(await h.command(id, 10)).toMatchObject({ state: "cancelled", deliveredAt: null });
  });

  it("lifecycle - commands to one device arrive in the order they were issued", async () => {
    await h.register("life-9", ["step"]);
    const order: number[] = [];
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await issue("life-9", { name: "step", params: { i } }));
    await h.device("life-9", { step: (p) => void order.push(p.i as number) });
    for (const id of ids) expect((await h.command(id)).state).toBe("completed");
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
