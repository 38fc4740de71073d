import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type DeviceEvent, streamName } from "@uaip/events";
import { projections } from "@uaip/projections";
import { type ShadowDeps, verifyProjection } from "@uaip/projector";
import { createTestHub, publishAll, sampleEvents, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/uaip.js", import.meta.url));
let t: TestHub;
const children: ChildProcess[] = [];

beforeAll(async () => {
  t = await createTestHub();
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});
afterAll(() => t?.close());

function startProjectors(): ChildProcess {
  const child = spawn(process.execPath, [bin, "start", "--only", "projectors"], {
    env: { ...process.env, ...t.env, PROJECTOR_LEASE_MS: "1000", LOG_LEVEL: "error" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
  return child;
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const publishEach = (events: DeviceEvent[]) => publishAll(events, (e) => t.publish(e));

const devicesCheckpoint = async () =>
  (
    await t.db
      .selectFrom("projection_checkpoints")
      .select("position")
      .where("name", "=", "devices")
      .executeTakeFirst()
  )?.position ?? 0;

async function allCaughtUp(): Promise<void> {
  for (const p of projections) {
    const last = (await t.jsm.streams.info(streamName(t.namespace, p.stream))).state.last_seq;
    await waitFor(
      async () => {
        const row = await t.db
          .selectFrom("projection_checkpoints")
          .select("position")
          .where("name", "=", p.name)
          .executeTakeFirst();
        return (row?.position ?? 0) >= last;
      },
      60_000,
      `${p.name} at ${last}`,
    );
  }
}

async function expectNoDrift(): Promise<void> {
  const deps: ShadowDeps = {
    db: t.db,
    js: t.js,
    jsm: t.jsm,
    namespace: t.namespace,
    logger: t.logger,
    batchSize: 500,
  };
  for (const p of projections) {
    const report = await verifyProjection(deps, p);
    expect(
      report.tables.flatMap((x) => x.samples),
      p.name,
    ).toEqual([]);
    expect(report.drift, p.name).toBe(0);
  }
}

describe("failure", () => {
  it("failure - kill -9 of the projector mid-stream, then restart: zero drift and row counts match the log", async () => {
    await publishEach(sampleEvents("k", 1_000, 50_000));
    const devicesInLog = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state
      .last_seq;
    const killAt = Math.floor(devicesInLog * (0.2 + Math.random() * 0.6));
    const child = startProjectors();
    await waitFor(
      async () => (await devicesCheckpoint()) >= killAt,
      60_000,
      `devices checkpoint past ${killAt}`,
    );
    await killHard(child);
    expect(await devicesCheckpoint()).toBeLessThan(devicesInLog);
    startProjectors();
    await allCaughtUp();
    await expectNoDrift();
    const devices = await t.db
      .selectFrom("devices")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("id", "like", "k-%")
      .executeTakeFirst();
    expect(Number(devices?.n)).toBe(1_000);
  }, 180_000);

  it("failure - two projector processes on the same projections, the active one killed mid-run: zero drift", async () => {
    startProjectors();
    startProjectors();
    const ours = (owner: string | null | undefined) =>
      children.some((c) => c.pid === Number(owner?.split(":")[1]));
    await waitFor(
      async () =>
        ours(
          (
            await t.db
              .selectFrom("projection_checkpoints")
              .select("owner")
              .where("name", "=", "devices")
              .executeTakeFirst()
          )?.owner,
        ),
      20_000,
      "one of the two holds the lease",
    );
    const publishing = publishEach(sampleEvents("w", 500, 20_000));
    await waitFor(
      async () => (await devicesCheckpoint()) >= 5_000,
      60_000,
      "devices checkpoint past 5000",
    );
    const owner = (
      await t.db
        .selectFrom("projection_checkpoints")
        .select("owner")
        .where("name", "=", "devices")
        .executeTakeFirst()
    )?.owner;
    const killedPid = Number(owner?.split(":")[1]);
    await killHard(children.find((c) => c.pid === killedPid)!);
    await publishing;
    expect(killedPid).toBeGreaterThan(0);
    await allCaughtUp();
    const after = (
      await t.db
        .selectFrom("projection_checkpoints")
        .select("owner")
        .where("name", "=", "devices")
        .executeTakeFirst()
    )?.owner;
    expect(ours(after)).toBe(true);
    expect(Number(after?.split(":")[1])).not.toBe(killedPid);
    await expectNoDrift();
  }, 180_000);
});
