import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import {
  connect,
  type NatsConnection,
  nkeyAuthenticator,
  PermissionViolationError,
} from "@nats-io/transport-node";
import {
  appendEvent,
  type CommandReply,
  deviceSubjects,
  hubSecretBucket,
} from "@uaip/device-protocol";
import { connectDevice } from "@uaip/device-sdk";
import { createEvent, streamName, subjects } from "@uaip/events";
import { type StartedService, startNats } from "@uaip/local-services";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceCredentials, type DeviceCredentials } from "./device-credentials.ts";
import { renderServerConfig } from "./nats-config.ts";

const ns = "perm";
const hubUser = { user: "hub", password: "hub-secret" };
let a: DeviceCredentials;
let b: DeviceCredentials;
let dir: string;
let server: StartedService;
let hub: NatsConnection;
const open: NatsConnection[] = [];

beforeAll(async () => {
  a = createDeviceCredentials(ns, "dev-a");
  b = createDeviceCredentials(ns, "dev-b");
  dir = await mkdtemp(join(tmpdir(), "uaip-perm-"));
  server = await startNats({
    dataDir: dir,
    configuredUrl: "nats://127.0.0.1:4222",
    log: () => {},
    config: (port, storeDir) =>
      renderServerConfig({ port, storeDir, hub: hubUser, devices: [a, b] }),
  });
  hub = await connect({ servers: server.url, user: hubUser.user, pass: hubUser.password });
  await applyStreams(await jetstreamManager(hub), streamDefinitions(ns));
});
afterAll(async () => {
  for (const nc of open) await nc.close().catch(() => {});
  await hub?.close();
  await server?.process.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A raw connection as device A, as a misbehaving client would open it. */
async function asDeviceA(): Promise<{ nc: NatsConnection; errors: Error[] }> {
  const nc = await connect({
    servers: server.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(a.seed)),
    inboxPrefix: deviceSubjects(ns, "dev-a").replyPrefix,
  });
  open.push(nc);
  const errors: Error[] = [];
  void (async () => {
    for await (const s of nc.status()) if (s.type === "error") errors.push(s.error);
  })();
  return { nc, errors };
}

const subjectsIn = async (kind: "devices" | "telemetry" | "commands") =>
  Object.keys(
    (
      await (
        await jetstreamManager(hub)
      ).streams.info(streamName(ns, kind), { subjects_filter: ">" })
    ).state.subjects ?? {},
  );

describe("device permissions", () => {
  it("permissions - device A with its nkey registers, reports and answers commands through the SDK", async () => {
    const device = await connectDevice({
      servers: server.url,
      namespace: ns,
      deviceId: "dev-a",
      credentials: { nkeySeed: a.seed },
      heartbeatMs: 50,
    });
    device.onCommand("ping", () => "pong");
    await device.register({ name: "A", type: "sensor", capabilities: ["ping"] });
    await device.reportTelemetry({ t: 1 });
    const reply = await hub.request(
      deviceSubjects(ns, "dev-a").inbox,
      JSON.stringify({
        commandId: "c1",
        name: "ping",
        params: {},
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        attempt: 1,
      }),
      { timeout: 2_000 },
    );
    expect(reply.json<CommandReply>()).toEqual({ status: "completed", result: "pong" });
    await device.close();
    expect(await subjectsIn("devices")).toEqual(
      expect.arrayContaining([`${ns}.device.dev-a.registered`, `${ns}.device.dev-a.status`]),
    );
    expect(await subjectsIn("telemetry")).toEqual([`${ns}.telemetry.dev-a`]);
  });

  it("permissions - device A cannot publish as device B: the server refuses and nothing is stored", async () => {
    const { nc, errors } = await asDeviceA();
    const js = jetstream(nc, { timeout: 1_000 });
    const asB = createEvent("device.status_changed", "dev-b", { status: "offline" });
    await expect(
      js.publish(`${ns}.device.dev-b.status`, JSON.stringify(asB), { msgID: asB.id }),
    ).rejects.toThrow();
    nc.publish(`${ns}.telemetry.dev-b`, JSON.stringify({ data: { metrics: { fake: 1 } } }));
    nc.publish(`${ns}.command.dev-a.c9.issued`, "{}");
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const denied = errors
      .filter((e) => e instanceof PermissionViolationError)
      .map((e) => (e as PermissionViolationError).subject);
    expect(denied).toEqual(
      expect.arrayContaining([
        `${ns}.device.dev-b.status`,
        `${ns}.telemetry.dev-b`,
        `${ns}.command.dev-a.c9.issued`,
      ]),
    );
    expect((await subjectsIn("devices")).filter((s) => s.includes("dev-b"))).toEqual([]);
    expect((await subjectsIn("telemetry")).filter((s) => s.includes("dev-b"))).toEqual([]);
    expect((await subjectsIn("commands")).filter((s) => s.endsWith(".issued"))).toEqual([]);
  });

  it("permissions - device A cannot read B's inbox, B's replies or the hub's", async () => {
    const { nc } = await asDeviceA();
    for (const subject of [
      deviceSubjects(ns, "dev-b").inbox,
      `${deviceSubjects(ns, "dev-b").replyPrefix}.>`,
      "_INBOX.>",
      `${ns}.>`,
    ]) {
      const sub = nc.subscribe(subject);
      await nc.flush();
      const closed = await Promise.race([
        sub.closed,
        new Promise((r) => setTimeout(() => r("still open"), 1_000)),
      ]);
      expect(closed, subject).toBeInstanceOf(PermissionViolationError);
    }
  });

  it("permissions - without credentials, or with another device's id, nothing gets in", async () => {
    await expect(connect({ servers: server.url, maxReconnectAttempts: 0 })).rejects.toThrow(
      /Authorization/i,
    );
    // B's key but A's inbox prefix: its JetStream acks cannot reach it, so it cannot store anything.
    const nc = await connect({
      servers: server.url,
      authenticator: nkeyAuthenticator(new TextEncoder().encode(b.seed)),
      inboxPrefix: deviceSubjects(ns, "dev-a").replyPrefix,
    });
    open.push(nc);
    const sub = nc.subscribe(deviceSubjects(ns, "dev-a").inbox);
    await nc.flush();
    expect(await sub.closed).toBeInstanceOf(PermissionViolationError);
  });

  it("permissions - device A cannot publish on the hub's subjects of its own device, and its heartbeat still goes", async () => {
    const { nc, errors } = await asDeviceA();
    const s = subjects(ns);
    const forged = [
      s.device("dev-a", "registered", "operator"),
      s.device("dev-a", "status", "hub"),
      s.command("dev-a", "c1", "completed", "hub"),
    ];
    for (const subject of forged) nc.publish(subject, JSON.stringify({ data: {} }));
    nc.publish(deviceSubjects(ns, "dev-a").heartbeat);
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    const denied = errors
      .filter((e) => e instanceof PermissionViolationError)
      .map((e) => (e as PermissionViolationError).subject);
    expect(denied).toEqual(expect.arrayContaining(forged));
    expect(denied).not.toContain(deviceSubjects(ns, "dev-a").heartbeat);
    const stored = [...(await subjectsIn("devices")), ...(await subjectsIn("commands"))];
    expect(stored.filter((x) => x.endsWith(".operator") || x.endsWith(".hub"))).toEqual([]);
  });

  it("permissions - device A can neither read nor overwrite the hub's msg-id secret", async () => {
    // The hub's first append creates the secret in its KV bucket.
    const hubJs = jetstream(hub);
    await appendEvent(
      { nc: hub, js: hubJs, subjects: subjects(ns) },
      createEvent("device.status_changed", "dev-b", { status: "offline" }, { source: "hub" }),
    );
    const bucket = hubSecretBucket(ns);
    const secret = await (await new Kvm(hub).open(bucket)).get("msg-id-secret");
    expect(secret?.value.length).toBeGreaterThan(0);

    const { nc, errors } = await asDeviceA();
    const kv = new Kvm(jetstream(nc, { timeout: 1_000 }));
    await expect(kv.open(bucket).then((b) => b.get("msg-id-secret"))).rejects.toThrow();
    const sub = nc.subscribe(`$KV.${bucket}.>`);
    await nc.flush();
    expect(await sub.closed).toBeInstanceOf(PermissionViolationError);
    nc.publish(`$KV.${bucket}.msg-id-secret`, "chosen-by-the-device");
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(
      errors
        .filter((e) => e instanceof PermissionViolationError)
        .map((e) => (e as PermissionViolationError).subject),
    ).toContain(`$KV.${bucket}.msg-id-secret`);
    const after = await (await new Kvm(hub).open(bucket)).get("msg-id-secret");
    expect(after?.revision).toBe(secret?.revision);
  });
});
