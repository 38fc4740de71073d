import { streamName } from "@uaip/events";
import { type RunningHub, startHub } from "@uaip/hub";
import { freePort } from "@uaip/local-services";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runUaip } from "../testing/run-uaip.ts";

// The real `uaip device …` against a hub (API and projectors) in this process: what the CLI
// prints must be where JetStream stored the event, and the hub must fold it.
let t: TestHub;
let hub: RunningHub;

beforeAll(async () => {
  t = await createTestHub();
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger, [
    "api",
    "projectors",
  ]);
});
afterAll(async () => {
  await hub?.stop();
  await t?.close();
});

const uaip = (...args: string[]) => runUaip(args, t.env);

interface Stored {
  deviceId: string;
  type: string;
  subject: string;
  stream: string;
  seq: number;
  duplicate: boolean;
  created?: boolean;
}

/** The message JetStream holds at `seq` of `stream`: its subject and envelope. */
async function storedAt(stream: string, seq: number) {
  const m = await t.jsm.streams.getMessage(stream, { seq });
  if (!m) throw new Error(`nothing at ${stream} sequence ${seq}`);
  return { subject: m.subject, body: m.json<Record<string, unknown>>() };
}

async function device(id: string): Promise<Record<string, unknown> | undefined> {
  const res = await fetch(`${hub.url}/api/v1/devices/${id}`);
  return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
}

describe("uaip device", () => {
  it("device cli - register, status and telemetry are stored on the device's subjects at the printed sequence, and folded by the hub", async () => {
    const devices = streamName(t.namespace, "devices");
    const reg = await uaip(
      "device",
      "register",
      "lamp-1",
      "--name",
      "Desk lamp",
      "--type",
      "smart-bulb",
      "--tags",
      "desk,office",
    );
    expect(reg.stderr).toBe("");
    expect(reg.code).toBe(0);
    const m =
      /^lamp-1: device\.registered stored in (\S+) at sequence (\d+) \(subject (\S+)\)\n$/.exec(
        reg.stdout,
      );
    expect(m, reg.stdout).not.toBeNull();
    expect(m![1]).toBe(devices);
    expect(m![3]).toBe(t.subjects.device("lamp-1", "registered"));
    const first = await storedAt(devices, Number(m![2]));
    expect(first.subject).toBe(t.subjects.device("lamp-1", "registered"));
    expect(first.body).toMatchObject({
      type: "device.registered",
      deviceId: "lamp-1",
      source: "device",
      data: { name: "Desk lamp", type: "smart-bulb", tags: ["desk", "office"] },
    });

    const status = await uaip("device", "status", "lamp-1", "online", "--reason", "boot", "--json");
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as Stored;
    expect(s).toMatchObject({ deviceId: "lamp-1", type: "device.status_changed", stream: devices });
    expect(await storedAt(s.stream, s.seq)).toMatchObject({
      subject: t.subjects.device("lamp-1", "status"),
      body: { data: { status: "online", reason: "boot" } },
    });

    const tel = await uaip(
      "device",
      "telemetry",
      "lamp-1",
      "temperature=21.5",
      "power=7",
      "--json",
    );
    expect(tel.code).toBe(0);
    const r = JSON.parse(tel.stdout) as Stored;
    expect(r.stream).toBe(streamName(t.namespace, "telemetry"));
    expect(await storedAt(r.stream, r.seq)).toMatchObject({
      subject: t.subjects.telemetry("lamp-1"),
      body: { type: "telemetry.reported", data: { metrics: { temperature: 21.5, power: 7 } } },
    });

    await waitFor(
      async () => {
        const d = await device("lamp-1");
        return d && (d.status as { value: string }).value === "online" ? d : undefined;
      },
      20_000,
      "lamp-1 online through the API",
    );

    // Registering again is an update of the given fields: the tags stay.
    const again = await uaip(
      "device",
      "register",
      "lamp-1",
      "--name",
      "Lamp",
      "--type",
      "smart-bulb",
      "--json",
    );
    expect(again.code).toBe(0);
    const u = JSON.parse(again.stdout) as Stored;
    expect(u).toMatchObject({ type: "device.updated", created: false, stream: devices });
    expect((await storedAt(u.stream, u.seq)).subject).toBe(t.subjects.device("lamp-1", "updated"));
    const renamed = await waitFor(
      async () => {
        const d = await device("lamp-1");
        return d?.name === "Lamp" ? d : undefined;
      },
      20_000,
      "lamp-1 renamed",
    );
    expect(renamed).toMatchObject({ type: "smart-bulb", tags: ["desk", "office"] });
  });

  it("device cli - publish sends any event a device may send, checked against the catalog before anything is sent", async () => {
    const devices = streamName(t.namespace, "devices");
    const ok = await uaip(
      "device",
      "publish",
      "pump-1",
      "registered",
      '{"name":"Pump","type":"pump"}',
      "--json",
    );
    expect(ok.code).toBe(0);
    const p = JSON.parse(ok.stdout) as Stored;
    expect(await storedAt(p.stream, p.seq)).toMatchObject({
      subject: t.subjects.device("pump-1", "registered"),
      body: { type: "device.registered", data: { name: "Pump", type: "pump" } },
    });
    const before = (await t.jsm.streams.info(devices)).state.last_seq;

    const bad = await uaip("device", "publish", "pump-1", "device.updated", '{"location":5}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^uaip: invalid device\.updated event: data\.location: /);
    const hubs = await uaip("device", "publish", "pump-1", "issued", "{}");
    expect(hubs.code).toBe(2);
    expect(hubs.stderr).toContain("issued is the hub's to append, not a device's");
    const notJson = await uaip("device", "publish", "pump-1", "updated", "{location");
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^uaip: \[data\]: not JSON: /);
    const badId = await uaip("device", "status", "pump 1", "online");
    expect(badId.code).toBe(2);
    expect(badId.stderr).toBe(
      `uaip: <id>: must be 1-64 letters, digits, '_' or '-' (got "pump 1")\n`,
    );
    expect((await t.jsm.streams.info(devices)).state.last_seq).toBe(before);
  });

  it("device cli - a NATS that does not answer is named with its URL; a namespace without streams is not stored, and says so", async () => {
    const port = await freePort();
    const down = await runUaip(["device", "status", "lamp-1", "online"], {
      ...t.env,
      NATS_URL: `nats://127.0.0.1:${port}`,
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      `uaip: NATS at nats://127.0.0.1:${port}: connection refused (is it running? \`uaip dev\` starts local services)\n`,
    );
    const ns = `${t.namespace}nostreams`;
    const nowhere = await runUaip(["device", "status", "lamp-1", "online", "--timeout", "500"], {
      ...t.env,
      UAIP_NAMESPACE: ns,
    });
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain(
      `uaip: not stored within 500 ms: no JetStream stream of namespace "${ns}" acknowledged ${ns}.device.lamp-1.status`,
    );
  });
});
