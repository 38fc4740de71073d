import { type CommandReply, deviceSubjects } from "@uaip/device-protocol";
import { createEvent, streamName } from "@uaip/events";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDevice, type DeviceClient } from "./device-client.ts";
import { isPublishRejected } from "./errors.ts";

let t: TestHub;
const open: DeviceClient[] = [];

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(async () => {
  for (const d of open) await d.kill().catch(() => {});
  await t?.close();
});

async function device(id: string, extra: Partial<Parameters<typeof connectDevice>[0]> = {}) {
  const d = await connectDevice({
    servers: t.config.nats.servers,
    namespace: t.namespace,
    deviceId: id,
    heartbeatMs: 0,
    ...extra,
  });
  open.push(d);
  return d;
}

async function messagesOn(filter: string) {
  const stream = filter.includes(".telemetry.")
    ? streamName(t.namespace, "telemetry")
    : filter.includes(".command.")
      ? streamName(t.namespace, "commands")
      : streamName(t.namespace, "devices");
  const consumer = await t.js.consumers.get(stream, { filter_subjects: filter });
  const info = await consumer.info(true);
  const out = [];
  for (let i = 0; i < info.num_pending; i++) {
    const m = await consumer.next({ expires: 2_000 });
    if (!m) break;
    out.push({
      seq: m.seq,
      subject: m.subject,
      msgId: m.headers?.get("Nats-Msg-Id"),
      body: m.json<Record<string, unknown>>(),
    });
  }
  return out;
}

const request = async (deviceId: string, body: unknown): Promise<CommandReply> => {
  const r = await t.nc.request(deviceSubjects(t.namespace, deviceId).inbox, JSON.stringify(body), {
    timeout: 2_000,
  });
  return r.json<CommandReply>();
};

const command = (commandId: string, name: string, params: Record<string, unknown> = {}) => ({
  commandId,
  name,
  params,
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  attempt: 1,
});

describe("device sdk", () => {
  it("device sdk - the first register stores device.registered once, a later one device.updated", async () => {
    const a = await device("reg-1", { announcePresence: false });
    const first = await a.register({
      name: "Lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
    });
    expect(first.created).toBe(true);
    const again = await a.register({ name: "Lamp v2", type: "smart-bulb", firmware: "2.0" });
    expect(again).toMatchObject({ created: false });
    expect(again.seq).toBeGreaterThan(first.seq);
    const events = await messagesOn(`${t.namespace}.device.reg-1.*`);
    expect(events.map((e) => e.subject.split(".").at(-1))).toEqual(["registered", "updated"]);
    expect(events[1]?.body.data).toEqual({ name: "Lamp v2", firmware: "2.0" });
  });

  it("device sdk - events are stored in order with their id as Nats-Msg-Id, and online is announced", async () => {
    const d = await device("tel-1");
    const acks = [];
    for (let i = 0; i < 50; i++) acks.push(d.reportTelemetry({ n: i }));
    const stored = await Promise.all(acks);
    expect(stored.map((a) => a.seq)).toEqual([...stored.map((a) => a.seq)].sort((x, y) => x - y));
    const events = await messagesOn(`${t.namespace}.telemetry.tel-1`);
    expect(events.map((e) => (e.body.data as { metrics: { n: number } }).metrics.n)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    for (const e of events) expect(e.msgId).toBe(e.body.id);
    await waitFor(
      async () => (await messagesOn(`${t.namespace}.device.tel-1.status`)).length === 1,
    );
    const [status] = await messagesOn(`${t.namespace}.device.tel-1.status`);
    expect(status?.body).toMatchObject({
      data: { status: "online", reason: "connected" },
      source: "device",
    });
  });

  it("device sdk - a batch of 5 000 is stored in order and a repeated batch only finds duplicates", async () => {
    const d = await device("batch-1", { announcePresence: false, window: 256, bufferLimit: 512 });
    const events = Array.from({ length: 5_000 }, (_, i) =>
      createEvent("telemetry.reported", "batch-1", { metrics: { i } }),
    );
    expect(await d.publishBatch(events)).toEqual({ stored: 5_000, duplicates: 0, failed: [] });
    expect(await d.publishBatch(events.slice(0, 100))).toEqual({
      stored: 0,
      duplicates: 100,
      failed: [],
    });
    const stored = await messagesOn(`${t.namespace}.telemetry.batch-1`);
    expect(stored.map((e) => e.body.id)).toEqual(events.map((e) => e.id));
  });

  it("device sdk - a refused event rejects with its JetStream code and the rest go on", async () => {
    const d = await device("refused-1", { announcePresence: false });
    const metadata = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`k${i}`, "x".repeat(1_000)]),
    );
    const tooBig = d.publish(createEvent("device.updated", "refused-1", { metadata }));
    const after = d.reportTelemetry({ ok: 1 });
    const err = await tooBig.catch((e: unknown) => e);
    expect(isPublishRejected(err)).toBe(true);
    expect(err).toMatchObject({ code: 10054 });
    await expect(after).resolves.toMatchObject({ duplicate: false });
  });

  it("device sdk - a quick handler's result is in the reply; a redelivery does not run it again", async () => {
    const d = await device("cmd-1");
    let runs = 0;
    d.onCommand("set_power", async (params) => {
      runs++;
      return { on: params.on };
    });
    const c = command("c-quick", "set_power", { on: true });
    expect(await request("cmd-1", c)).toEqual({ status: "completed", result: { on: true } });
    expect(await request("cmd-1", { ...c, attempt: 2 })).toEqual({
      status: "completed",
      result: { on: true },
      duplicate: true,
    });
    expect(runs).toBe(1);
  });

  it("device sdk - a throwing handler is failed with its message and code", async () => {
    const d = await device("cmd-2");
    d.onCommand("reboot", () => {
      throw Object.assign(new Error("busy"), { code: "BUSY" });
    });
    expect(await request("cmd-2", command("c-throw", "reboot"))).toEqual({
      status: "failed",
      error: { message: "busy", code: "BUSY" },
    });
  });

  it("device sdk - a slow handler is accepted, then its outcome is published by the device", async () => {
    const d = await device("cmd-3", { inlineResultMs: 50 });
    d.onCommand("update_firmware", async () => {
      await new Promise((r) => setTimeout(r, 300));
      return { version: "2.1" };
    });
    expect(await request("cmd-3", command("c-slow", "update_firmware"))).toEqual({
      status: "accepted",
    });
    expect(await request("cmd-3", command("c-slow", "update_firmware"))).toEqual({
      status: "accepted",
      duplicate: true,
    });
    const outcome = await waitFor(async () => {
      const m = await messagesOn(`${t.namespace}.command.cmd-3.c-slow.*`);
      return m.length > 0 ? m : undefined;
    });
    expect(outcome).toHaveLength(1);
    expect(outcome[0]).toMatchObject({
      subject: `${t.namespace}.command.cmd-3.c-slow.completed`,
      body: { data: { commandId: "c-slow", result: { version: "2.1" } }, source: "device" },
    });
    // Its msg id is its own random event id: nothing another device could guess and take first.
    const [published] = outcome;
    expect(published?.msgId).toBe((published?.body as { id?: string } | undefined)?.id);
    expect(published?.msgId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("device sdk - a result the hub could not store fails the command, naming the field", async () => {
    const d = await device("cmd-nul");
    d.onCommand("read_log", () => ({ lines: ["ok", "bad\u0000"] }));
    expect(await request("cmd-nul", command("c-nul", "read_log"))).toEqual({
      status: "failed",
      error: {
        message:
          "the result cannot be stored: result.lines.1: must not contain U+0000 (found at 3)",
        code: "BAD_RESULT",
      },
    });
  });

  it("device sdk - a command without a handler is rejected, naming it", async () => {
    await device("cmd-4");
    expect(await request("cmd-4", command("c-unknown", "dance"))).toEqual({
      status: "rejected",
      error: { message: 'no handler for command "dance"', code: "UNKNOWN_COMMAND" },
    });
    expect(await request("cmd-4", { nonsense: true })).toMatchObject({
      status: "rejected",
      error: { code: "BAD_REQUEST" },
    });
  });

  it("device sdk - heartbeats go on a core subject the streams do not capture", async () => {
    const d = await device("hb-1", { heartbeatMs: 50, announcePresence: false });
    const sub = t.nc.subscribe(deviceSubjects(t.namespace, "hb-1").heartbeat, { max: 2 });
    let beats = 0;
    for await (const _ of sub) beats++;
    expect(beats).toBe(2);
    expect(d.stats.stored).toBe(0);
    const info = await t.jsm.streams.info(streamName(t.namespace, "devices"), {
      subjects_filter: `${t.namespace}.device.hb-1.>`,
    });
    expect(info.state.subjects ?? {}).toEqual({});
  });

  it("device sdk - bad options name the field", async () => {
    await expect(
      connectDevice({ servers: t.config.nats.servers, deviceId: "has space" }),
    ).rejects.toThrow(/deviceId: must be 1-64/);
    await expect(
      connectDevice({ servers: t.config.nats.servers, deviceId: "ok", window: 10, bufferLimit: 5 }),
    ).rejects.toThrow(/bufferLimit: must be at least window/);
  });
});
