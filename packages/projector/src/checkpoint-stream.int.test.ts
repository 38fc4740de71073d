import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import { migrateUp } from "@uaip/migrations";
import { createDatabase } from "@uaip/platform";
import { devicesProjection, type ProjectionTarget } from "@uaip/projections";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import { capturedLogs, createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "./checkpoints.ts";
import { postgresTarget } from "./postgres-target.ts";
import { projectionStatus } from "./projection-status.ts";
import { Projector, type ProjectorOptions } from "./projector.ts";
import { rebuildProjection } from "./rebuild.ts";
import { verifyProjection } from "./verify.ts";

let t: TestHub;
const running: Projector[] = [];
beforeAll(async () => {
  t = await createTestHub();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
afterAll(() => t?.close());

function start(extra: Partial<ProjectorOptions> = {}): Projector {
  const p = Projector.start({
    target: postgresTarget(t.db, devicesProjection),
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: 50,
    batchWaitMs: 10,
    lease: { db: t.db, owner: `w-${Math.random()}`, ttlMs: 3_000 },
    ...extra,
  });
  running.push(p);
  return p;
}

const deps = () => ({
  db: t.db,
  js: t.js,
  jsm: t.jsm,
  namespace: t.namespace,
  logger: t.logger,
  batchSize: 100,
});

async function publishAll(events: DeviceEvent[]): Promise<number> {
  let last = 0;
  for (const e of events) last = (await t.publish(e)).seq;
  return last;
}

const registrations = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    createEvent("device.registered", `${prefix}-${i}`, { name: `D${i}`, type: "sensor" }),
  );

async function recreateDevicesStream(): Promise<void> {
  const defs = streamDefinitions(t.namespace);
  await t.jsm.streams.delete(defs.devices.name);
  await t.jsm.streams.add(defs.devices);
}

const deviceIds = async () =>
  (await t.db.selectFrom("devices").select("id").orderBy("id").execute()).map((r) => r.id);

/** A target holding its state in memory: lets a test make "the store lost its data". */
function memoryTarget(name: string): ProjectionTarget & {
  applied: number[];
  lose(): void;
  reset(): Promise<void>;
} {
  let position: number | undefined;
  const applied: number[] = [];
  return {
    name,
    stream: "devices",
    applied,
    lose: () => {
      position = undefined;
      applied.length = 0;
    },
    position: async () => position,
    reset: async () => {
      position = undefined;
      applied.length = 0;
    },
    async commit(batch) {
      if ((position ?? 0) !== batch.from) throw new Error(`conflict at ${batch.from}`);
      applied.push(...batch.events.map((e) => e.seq));
      position = batch.to;
    },
  };
}

describe("checkpoints and their stream", () => {
  it("checkpoint - a stream deleted and created again halts the projection, never skips its events", async () => {
    const first = await publishAll(registrations("old", 21));
    const p = start();
    await waitFor(
      async () => (await readCheckpoint(t.db, "devices")) >= first,
      30_000,
      "caught up",
    );
    await p.stop();

    await recreateDevicesStream();
    await publishAll(registrations("new", 1));
    const logs = capturedLogs();
    const again = start({ logger: logs.logger });
    await waitFor(() => again.state === "halted", 30_000, "halted");
    expect(again.fault?.reason).toBe("stream_recreated");
    expect(logs.lines.find((l) => l.level === 50)?.msg).toMatch(
      /checkpoint 21 was taken on .*uaip projections rebuild devices/,
    );
    // Nothing of the new stream was skipped or applied on top of the old rows.
    expect(await readCheckpoint(t.db, "devices")).toBe(21);
    const [status] = await projectionStatus(t.db, t.jsm, t.namespace, [devicesProjection]);
    expect(status?.fault).toMatch(/deleted and created again/);

    // verify answers at once instead of folding towards a sequence that never comes.
    const report = await verifyProjection(deps(), devicesProjection);
    expect(report.fault).toMatch(/stream_recreated|deleted and created again/);

    // A rebuild takes the new stream as it is; the halted worker then carries on by itself.
    const rebuilt = await rebuildProjection(deps(), devicesProjection);
    expect(rebuilt.position).toBe(1);
    expect(await deviceIds()).toEqual(["new-0"]);
    await waitFor(() => again.state === "running", 30_000, "running again");
    const next = await publishAll(registrations("next", 2));
    await waitFor(async () => (await readCheckpoint(t.db, "devices")) >= next, 30_000, "applied");
    expect(await deviceIds()).toEqual(["new-0", "next-0", "next-1"]);
    expect((await verifyProjection(deps(), devicesProjection)).drift).toBe(0);
  });

  it("checkpoint - a checkpoint past the stream's end (another hub's) halts and readiness data says why", async () => {
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    // A database whose checkpoint was written before stream identities were recorded.
    await t.db
      .updateTable("projection_checkpoints")
      .set({ position: last + 20, stream_id: null })
      .where("name", "=", "devices")
      .execute();
    const p = start();
    await waitFor(() => p.state === "halted", 30_000, "halted");
    expect(p.fault?.reason).toBe("checkpoint_ahead");
    const [status] = await projectionStatus(t.db, t.jsm, t.namespace, [devicesProjection]);
    expect(status?.fault).toMatch(`checkpoint ${last + 20} is past the last sequence ${last}`);
    const started = performance.now();
    expect((await verifyProjection(deps(), devicesProjection)).fault).toMatch(/past the last/);
    expect(performance.now() - started).toBeLessThan(5_000);
    await p.stop();
    await rebuildProjection(deps(), devicesProjection);
  });

  it("checkpoint - a target that can be emptied (a cache) refolds a recreated stream by itself", async () => {
    const target = memoryTarget("cache");
    const logs = capturedLogs();
    const p = start({ target, logger: logs.logger });
    const at = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    await waitFor(async () => (await target.position()) === at, 30_000, "caught up");
    await p.stop();
    await recreateDevicesStream();
    const seq = await publishAll(registrations("fresh", 2));
    const again = start({ target, logger: logs.logger });
    await waitFor(async () => (await target.position()) === seq, 30_000, "refolded");
    expect(target.applied).toEqual([1, 2]);
    expect(again.state).toBe("running");
    expect(logs.warnings().map((w) => w.msg)).toContainEqual(
      expect.stringMatching(/emptying the target to fold this stream from the start/),
    );
    await again.stop();
    await rebuildProjection(deps(), devicesProjection);
  });

  it("checkpoint - a first run says nothing alarming; a store that lost its data is warned about and refilled while idle", async () => {
    const logs = capturedLogs();
    const target = memoryTarget("first-run");
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    const p = start({ target, logger: logs.logger });
    await waitFor(async () => (await target.position()) === last, 30_000, "memory caught up");
    expect(logs.warnings()).toEqual([]);
    expect(logs.lines.some((l) => /nothing applied yet/.test(l.msg))).toBe(true);

    // The store empties while no event arrives: the worker notices and replays by itself.
    target.lose();
    await waitFor(async () => (await target.position()) === last, 30_000, "refilled");
    expect(target.applied.length).toBeGreaterThan(0);
    expect(logs.warnings().map((w) => w.msg)).toContain(
      "the target lost its data; replaying the stream from the start",
    );
    await p.stop();
  });

  it("checkpoint - two hubs with different namespaces on one database never share a checkpoint", async () => {
    const other = `${t.namespace}_b`;
    const defs = streamDefinitions(other);
    await applyStreams(t.jsm, defs);
    const db = createDatabase(t.config.databaseUrl, { namespace: other, max: 2 });
    try {
      expect((await migrateUp(db)).error).toBeUndefined();
      const mine = await readCheckpoint(t.db, "devices");
      expect(mine).toBeGreaterThan(1);
      const ack = await t.js.publish(
        `${other}.device.solo.registered`,
        JSON.stringify({ data: { name: "Solo", type: "sensor" } }),
      );
      expect(ack.seq).toBe(1);
      const p = start({
        target: postgresTarget(db, devicesProjection),
        namespace: other,
        lease: { db, owner: "hub-b", ttlMs: 3_000 },
      });
      await waitFor(
        async () => (await readCheckpoint(db, "devices")) === 1,
        30_000,
        "hub b applied",
      );
      expect(p.state).toBe("running");
      const ids = (await db.selectFrom("devices").select("id").execute()).map((r) => r.id);
      expect(ids).toEqual(["solo"]);
      expect(await readCheckpoint(t.db, "devices")).toBe(mine);
    } finally {
      await Promise.all(running.splice(0).map((p) => p.stop()));
      await sql.raw(`DROP SCHEMA "${other}" CASCADE`).execute(t.db);
      await db.destroy();
      for (const d of Object.values(defs)) await t.jsm.streams.delete(d.name).catch(() => {});
    }
  });
});
