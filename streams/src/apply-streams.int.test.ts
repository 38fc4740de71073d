import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStreams, diffStream } from "./apply-streams.ts";
import { streamDefinitions } from "./stream-definitions.ts";
import { streamStatus } from "./stream-status.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub(); // applies the streams once
});
afterAll(() => t?.close());

describe("streams as code", () => {
  it("streams - a second apply changes nothing and says so", async () => {
    const results = await applyStreams(t.jsm, streamDefinitions(t.namespace));
    expect(results.map((r) => r.action)).toEqual([
      "unchanged",
      "unchanged",
      "unchanged",
      "unchanged",
    ]);
  });

  it("streams - drift on the server is reported field by field and repaired", async () => {
    const defs = streamDefinitions(t.namespace);
    const info = await t.jsm.streams.info(defs.telemetry.name);
    await t.jsm.streams.update(defs.telemetry.name, { ...info.config, max_msg_size: 1024 });

    const results = await applyStreams(t.jsm, defs);
    expect(results.find((r) => r.stream === defs.telemetry.name)).toEqual({
      stream: defs.telemetry.name,
      action: "updated",
      changes: [{ field: "max_msg_size", from: 1024, to: 65536 }],
    });
    expect((await applyStreams(t.jsm, defs)).every((r) => r.action === "unchanged")).toBe(true);
  });

  it("streams - a change the server cannot make in place is refused with the reason", async () => {
    const defs = streamDefinitions(t.namespace);
    const want = { ...defs.commands, storage: "memory" as never };
    const results = await applyStreams(t.jsm, { ...defs, commands: want });
    expect(results.map((r) => r.action)).toEqual(["unchanged", "unchanged", "failed", "unchanged"]);
    expect(results[2]).toMatchObject({
      error: expect.stringContaining("cannot change storage file → memory"),
    });
  });

  it("streams - every name derives from the namespace", () => {
    const defs = streamDefinitions("hub_b");
    expect(Object.values(defs).map((d) => d.name)).toEqual([
      "HUB_B_DEVICES",
      "HUB_B_TELEMETRY",
      "HUB_B_COMMANDS",
      "HUB_B_DEADLETTER",
    ]);
    expect(defs.devices.subjects).toEqual(["hub_b.device.*.>"]);
    expect(defs.commands.subjects).toEqual(["hub_b.command.*.*.>"]);
    expect(diffStream({ ...defs.devices }, defs.devices)).toEqual([]);
  });

  it("streams - a stream from before the hub's origin subjects is widened in place, keeping its messages", async () => {
    const defs = streamDefinitions(t.namespace);
    const info = await t.jsm.streams.info(defs.commands.name);
    await t.jsm.streams.update(defs.commands.name, {
      ...info.config,
      subjects: [`${t.namespace}.command.*.*.*`],
    });
    const before = await t.publishRaw(`${t.namespace}.command.d1.c1.completed`, "{}");

    const results = await applyStreams(t.jsm, defs);
    expect(results.find((r) => r.stream === defs.commands.name)).toMatchObject({
      action: "updated",
      changes: [{ field: "subjects", to: defs.commands.subjects }],
    });
    const hub = await t.publishRaw(`${t.namespace}.command.d1.c1.expired.hub`, "{}");
    expect(hub.seq).toBe(before.seq + 1);
    expect((await t.jsm.streams.info(defs.commands.name)).state.messages).toBe(2);
  });

  it("streams - status shows messages, sequences and consumers", async () => {
    await t.publishRaw(
      t.subjects.device("d1", "status"),
      JSON.stringify({ data: { status: "online" } }),
    );
    const status = await streamStatus(t.jsm, streamDefinitions(t.namespace));
    expect(status.find((s) => s.kind === "devices")).toMatchObject({
      exists: true,
      messages: 1,
      firstSeq: 1,
      lastSeq: 1,
      consumers: [],
    });
  });
});
