import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import { type DeviceRow, deviceFromTable, devicesProjection } from "@uaip/projections";
import { Projector, postgresTarget } from "@uaip/projector";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetAt } from "./fleet-at.ts";
import { runCli } from "./testing/run-cli.ts";

let t: TestHub;
let t1: Date;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 10, 0, s)).toISOString();

const before: DeviceEvent[] = [
  createEvent(
    "device.registered",
    "p-1",
    {
      name: "Lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
      tags: ["home"],
      location: "hall",
    },
    { occurredAt: at(0) },
  ),
  createEvent(
    "device.registered",
    "p-2",
    { name: "Thermo", type: "thermostat" },
    { occurredAt: at(1) },
  ),
  createEvent("device.status_changed", "p-1", { status: "online" }, { occurredAt: at(2) }),
  createEvent(
    "device.status_changed",
    "p-2",
    { status: "error", reason: "overheated" },
    { occurredAt: at(3) },
  ),
];
const after: DeviceEvent[] = [
  createEvent("device.updated", "p-1", { location: "kitchen" }, { occurredAt: at(4) }),
  createEvent(
    "device.status_changed",
    "p-1",
    { status: "offline", reason: "heartbeat timeout" },
    { occurredAt: at(5), source: "hub" },
  ),
  createEvent("device.decommissioned", "p-2", { reason: "replaced" }, { occurredAt: at(6) }),
  createEvent("device.registered", "p-3", { name: "Cam", type: "camera" }, { occurredAt: at(7) }),
];

/** Folds the log into the live `devices` table up to the stream's end, like the hub would. */
async function projectDevices(): Promise<void> {
  const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  const projector = Projector.start({
    target: postgresTarget(t.db, devicesProjection),
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: 500,
    batchWaitMs: 20,
    mode: "shadow",
    stopAt: last,
  });
  await projector.done();
}

const tableRows = async (): Promise<DeviceRow[]> =>
  (await t.db.selectFrom("devices").selectAll().orderBy("id").execute()).map(deviceFromTable);

beforeAll(async () => {
  t = await createTestHub();
  for (const e of before) await t.publish(e);
  await pause(30);
  t1 = new Date();
  await pause(30);
  for (const e of after) await t.publish(e);
  await publishAll(sampleEvents("q", 40, 3_000), (e) => t.publish(e));
  await t.publishRaw(t.subjects.device("q-1", "status"), "{not json");
  await projectDevices();
});
afterAll(() => t?.close());

const deps = () => ({ js: t.js, jsm: t.jsm, namespace: t.namespace });

describe("point in time", () => {
  it("point in time - at now equals the live devices table", async () => {
    const fleet = await fleetAt(deps(), new Date());
    const rows = await tableRows();
    expect(rows.length).toBe(43);
    expect(fleet.devices).toEqual(rows);
  });

  it("point in time - at an earlier instant equals the fleet built by hand", async () => {
    const fleet = await fleetAt(deps(), t1);
    const base = {
      capabilities: [],
      tags: [],
      location: null,
      firmware: null,
      metadata: {},
      decommissionedAt: null,
    };
    expect(fleet.position).toBe(4);
    expect(fleet.devices).toEqual([
      {
        ...base,
        id: "p-1",
        name: "Lamp",
        type: "smart-bulb",
        capabilities: ["set_power"],
        tags: ["home"],
        location: "hall",
        status: "online",
        statusReason: null,
        statusChangedAt: at(2),
        registeredAt: at(0),
        lastSeenAt: at(2),
        version: 3,
      },
      {
        ...base,
        id: "p-2",
        name: "Thermo",
        type: "thermostat",
        status: "error",
        statusReason: "overheated",
        statusChangedAt: at(3),
        registeredAt: at(1),
        lastSeenAt: at(3),
        version: 4,
      },
    ]);
    expect(await fleetAt(deps(), new Date(t1.getTime() - 3_600_000))).toMatchObject({
      devices: [],
      position: 0,
    });
  });

  it("point in time - uaip replay --at now --fold devices prints the table as NDJSON", async () => {
    const run = await runCli(["replay", "--at", "now", "--fold", "devices"], t.env);
    expect(run.stderr).toMatch(/^43 devices as of /);
    expect(run.code).toBe(0);
    const printed = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as DeviceRow);
    expect(printed).toEqual(await tableRows());
  });

  it("point in time - --at with a sequence filter, or an unknown fold, is a usage error (exit 2)", async () => {
    const mixed = await runCli(["replay", "--at", "now", "--from-seq", "3"], t.env);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe(
      "uaip: --from-seq: cannot be combined with --at (a fold reads the whole DEVICES stream)\n",
    );
    const fold = await runCli(["replay", "--at", "yesterday", "--fold", "devices"], t.env);
    expect(fold.code).toBe(2);
    expect(fold.stderr).toMatch(/^uaip: --at: must be "now", an ISO 8601 time/);
  });
});
