import { createEvent, type DeviceEvent } from "@uaip/events";
import { commandsProjection, devicesProjection, type Projection } from "@uaip/projections";
import { recordSpans } from "@uaip/telemetry/testing";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "./checkpoints.ts";
import { postgresTarget } from "./postgres-target.ts";
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

function start(
  projection: Projection = devicesProjection,
  extra: Partial<ProjectorOptions> = {},
): Projector {
  const p = Projector.start({
    target: postgresTarget(t.db, projection),
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: 100,
    batchWaitMs: 10,
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
  batchSize: 200,
});

async function publishAll(events: DeviceEvent[]): Promise<number> {
  let last = 0;
  for (let i = 0; i < events.length; i += 500) {
    const acks = await Promise.all(events.slice(i, i + 500).map((e) => t.publish(e)));
    last = Math.max(last, ...acks.map((a) => a.seq));
  }
  return last;
}

function fleetEvents(prefix: string, devices: number, statusChanges: number): DeviceEvent[] {
  const out: DeviceEvent[] = [];
  for (let d = 0; d < devices; d++)
    out.push(
      createEvent("device.registered", `${prefix}-${d}`, {
        name: `Device ${d}`,
        type: d % 2 ? "sensor" : "smart-bulb",
      }),
    );
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  for (let i = 0; i < statusChanges; i++) {
    out.push(
      createEvent("device.status_changed", `${prefix}-${i % devices}`, {
        status: statuses[i % 4]!,
        reason: `r${i}`,
      }),
    );
  }
  return out;
}

const caughtUp = (seq: number) =>
  waitFor(async () => (await readCheckpoint(t.db, "devices")) >= seq, 60_000, `checkpoint ${seq}`);

describe("projector", () => {
  it("projector - stops promptly while waiting on an empty stream", async () => {
    const p = start(commandsProjection);
    await waitFor(() => p.state === "running", 30_000, "running");
    const started = performance.now();
    await p.stop();
    expect(p.state).toBe("stopped");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("projector - a restart resumes after the checkpoint and applies nothing twice", async () => {
    const first = await publishAll(fleetEvents("a", 50, 300));
    const p = start();
    await caughtUp(first);
    await p.stop();
    const second = await publishAll(fleetEvents("a", 50, 200).slice(50));
    start();
    await caughtUp(second);
    const report = await verifyProjection(deps(), devicesProjection);
    expect(report.drift).toBe(0);
    expect(report.position).toBe(second);
    const stats = await t.db
      .selectFrom("fleet_stats")
      .select(["dimension", "key", "count"])
      .where("dimension", "=", "type")
      .orderBy("key")
      .execute();
    expect(stats).toEqual([
      { dimension: "type", key: "sensor", count: 25 },
      { dimension: "type", key: "smart-bulb", count: 25 },
    ]);
  });

  it("projector - with a lease, a second worker stands by and takes over when the first stops", async () => {
    const lease = (owner: string) => ({ lease: { db: t.db, owner, ttlMs: 900 } });
    const a = start(devicesProjection, lease("worker-a"));
    await waitFor(() => a.state === "running", 30_000, "worker a running");
    const b = start(devicesProjection, lease("worker-b"));
    await waitFor(() => b.state === "standby", 30_000, "worker b standing by");
    const mid = await publishAll(fleetEvents("c", 30, 100));
    await caughtUp(mid);
    await a.stop();
    const last = await publishAll(fleetEvents("c", 30, 100).slice(30));
    await caughtUp(last);
    expect(b.state).toBe("running");
    const r = await verifyProjection(deps(), devicesProjection);
    expect(r.tables.flatMap((x) => x.samples)).toEqual([]);
  });

  it("projector - PostgreSQL connections dropped mid-stream: the projector retries and loses nothing", async () => {
    start();
    const events = fleetEvents("d", 40, 400);
    const half = await publishAll(events.slice(0, 200));
    await caughtUp(half);
    await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`
      .execute(t.db)
      .catch(() => {});
    const last = await publishAll(events.slice(200));
    await caughtUp(last);
    expect((await verifyProjection(deps(), devicesProjection)).drift).toBe(0);
  });

  it("projector - verify reports a tampered row as drift", async () => {
    await sql`UPDATE devices SET name = 'tampered' WHERE id = 'a-1'`.execute(t.db);
    const report = await verifyProjection(deps(), devicesProjection);
    expect(report.drift).toBe(2);
    expect(report.tables.find((x) => x.table === "devices")).toMatchObject({
      missing: 1,
      unexpected: 1,
    });
    await sql`UPDATE devices SET name = 'Device 1' WHERE id = 'a-1'`.execute(t.db);
  });

  it("projector - rebuild swaps in fresh tables while readers never miss a device and the live projector carries on", async () => {
    start();
    const base = await publishAll(fleetEvents("e", 100, 500));
    await caughtUp(base);
    const ids = Array.from({ length: 100 }, (_, i) => `e-${i}`);
    let reads = 0;
    let missing = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const rows = await t.db.selectFrom("devices").select("id").where("id", "in", ids).execute();
        reads++;
        missing += ids.length - rows.length;
      }
    })();
    const writer = publishAll(fleetEvents("e", 100, 1_000).slice(100));
    const report = await rebuildProjection(deps(), devicesProjection);
    const last = await writer;
    reading = false;
    await reader;
    expect(missing).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect(report.position).toBeGreaterThanOrEqual(base);
    await caughtUp(last);
    const after = await verifyProjection(deps(), devicesProjection);
    expect(after.drift).toBe(0);
    expect(after.position).toBe(last);
    // The migrations' index names survive the swap.
    const indexes = await sql<{
      indexname: string;
    }>`SELECT indexname FROM pg_indexes WHERE tablename = 'devices' ORDER BY 1`.execute(t.db);
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      "devices_location_idx",
      "devices_pkey",
      "devices_status_idx",
      "devices_tags_idx",
      "devices_type_idx",
    ]);
  });
  // Last: the live table then holds less than a plain fold would (poison-1 is skipped).
  it("projector - an event the fold cannot apply is isolated as a dead letter and the rest is applied", async () => {
    const poisoned: Projection = {
      ...devicesProjection,
      createWriter: undefined,
      apply: async (tx, events) => {
        if (events.some((e) => e.event.deviceId === "poison-1"))
          throw new Error("cannot fold poison-1");
        await devicesProjection.apply(tx, events);
      },
    };
    const before = await readCheckpoint(t.db, "devices");
    const events = fleetEvents("b", 20, 40);
    events.splice(30, 0, createEvent("device.status_changed", "poison-1", { status: "online" }));
    const last = await publishAll(events);
    start(poisoned);
    await caughtUp(last);
    const rejected = await t.db
      .selectFrom("rejected_events")
      .selectAll()
      .where("reason", "=", "unfoldable")
      .execute();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({
      projection: "devices",
      seq: before + 31,
      message: "unfoldable: cannot fold poison-1",
    });
    const applied = await t.db
      .selectFrom("devices")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("id", "like", "b-%")
      .executeTakeFirst();
    expect(applied?.n).toBe(20);
    expect(
      await t.db.selectFrom("devices").select("id").where("id", "=", "poison-1").executeTakeFirst(),
    ).toBeUndefined();
  });

  it("projector - a payload with a raw NUL byte is a dead letter and does not stall the projection", async () => {
    start();
    const raw = new TextEncoder().encode('{"data":{"status":"online","reason":"a\u0000b"}}');
    const withNul = new Uint8Array([...raw.slice(0, 10), 0, ...raw.slice(10)]);
    const bad = await t.publishRaw(t.subjects.device("nul-1", "status"), withNul);
    const next = await t.publish(
      createEvent("device.registered", "after-nul", { name: "A", type: "sensor" }),
    );
    await caughtUp(next.seq);
    const row = await t.db
      .selectFrom("rejected_events")
      .select(["reason", "payload"])
      .where("seq", "=", bad.seq)
      .where("projection", "=", "devices")
      .executeTakeFirst();
    expect(row?.reason).toBe("malformed_json");
    expect(row?.payload).toContain("\\u0000");
    expect(
      await t.db
        .selectFrom("devices")
        .select("id")
        .where("id", "=", "after-nul")
        .executeTakeFirst(),
    ).toEqual({ id: "after-nul" });
  });
});

describe("maintenance spans", () => {
  it("spans - rebuild and verify are one span each, with their counts", async () => {
    await using spans = recordSpans();
    const rebuilt = await rebuildProjection(deps(), devicesProjection);
    const verified = await verifyProjection(deps(), devicesProjection);
    expect(spans.named("rebuild devices").map((s) => s.attributes)).toEqual([
      expect.objectContaining({
        "uaip.projection": "devices",
        "uaip.rebuild.events": rebuilt.events,
        "uaip.rebuild.position": rebuilt.position,
      }),
    ]);
    expect(spans.named("verify devices").map((s) => s.attributes)).toEqual([
      expect.objectContaining({
        "uaip.verify.position": verified.position,
        "uaip.verify.drift": 0,
      }),
    ]);
  });
});
