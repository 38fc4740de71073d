import { nanos } from "@nats-io/transport-node";
import { createEvent, streamName } from "@uaip/events";
import { type ProjectionTarget, telemetryProjection } from "@uaip/projections";
import { capturedLogs, createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCheckpoint } from "./checkpoints.ts";
import { postgresTarget } from "./postgres-target.ts";
import { Projector } from "./projector.ts";
import { rebuildProjection } from "./rebuild.ts";
import { verifyProjection } from "./verify.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());

const deps = () => ({
  db: t.db,
  js: t.js,
  jsm: t.jsm,
  namespace: t.namespace,
  logger: t.logger,
  batchSize: 100,
});

const rows = async () => ({
  minutes: (
    await sql<
      Record<string, unknown>
    >`SELECT device_id, metric, minute, count, min, max, sum, last FROM telemetry_minutes ORDER BY 1, 2, 3`.execute(
      t.db,
    )
  ).rows,
  latest: (
    await sql<Record<string, unknown>>`SELECT * FROM telemetry_latest ORDER BY 1, 2`.execute(t.db)
  ).rows,
});

describe("retention", () => {
  it("retention - verify and rebuild finish on a stream whose head expired and keep the roll-ups it no longer holds", async () => {
    const stream = streamName(t.namespace, "telemetry");
    for (let i = 0; i < 50; i++) {
      await t.publish(
        createEvent("telemetry.reported", `dev-${i % 5}`, {
          metrics: { temperature: i, power: 1 },
        }),
      );
    }
    const live = Projector.start({
      target: postgresTarget(t.db, telemetryProjection),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: 20,
      batchWaitMs: 10,
    });
    await waitFor(async () => (await readCheckpoint(t.db, "telemetry")) === 50, 30_000, "applied");
    await live.stop();
    const before = await rows();
    expect(before.minutes.length).toBeGreaterThan(0);

    // The operator shortens the max age: every event ages out (first 51, last 50).
    const info = await t.jsm.streams.info(stream);
    await t.jsm.streams.update(stream, {
      ...info.config,
      max_age: nanos(1_000),
      duplicate_window: nanos(500),
    });
    await waitFor(
      async () => (await t.jsm.streams.info(stream)).state.first_seq === 51,
      30_000,
      "head expired",
    );

    const started = performance.now();
    const verified = await verifyProjection(deps(), telemetryProjection);
    expect(verified.drift).toBe(0);
    expect(verified.carriedOver?.rows).toBe(before.minutes.length + before.latest.length);
    expect(verified.carriedOver?.what).toMatch(/every roll-up and latest value kept/);

    const rebuilt = await rebuildProjection(deps(), telemetryProjection);
    expect(rebuilt.position).toBe(50);
    expect(rebuilt.carriedOver?.rows).toBe(before.minutes.length + before.latest.length);
    expect(await rows()).toEqual(before);
    expect(performance.now() - started).toBeLessThan(20_000);

    // New readings after the head expired: recomputed from the log, the old minutes kept.
    await t.jsm.streams.update(stream, {
      ...info.config,
      max_age: nanos(3_600_000),
      duplicate_window: nanos(60_000),
    });
    for (let i = 0; i < 10; i++)
      await t.publish(
        createEvent("telemetry.reported", "dev-new", { metrics: { temperature: i } }),
      );
    const again = Projector.start({
      target: postgresTarget(t.db, telemetryProjection),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: 20,
      batchWaitMs: 10,
    });
    await waitFor(
      async () => (await readCheckpoint(t.db, "telemetry")) === 60,
      30_000,
      "new applied",
    );
    await again.stop();
    const after = await verifyProjection(deps(), telemetryProjection);
    expect(after.drift).toBe(0);
    expect(after.carriedOver?.what).toMatch(/roll-ups of minutes up to .* older than sequence 51/);
    const latestNew = await t.db
      .selectFrom("telemetry_latest")
      .select("value")
      .where("device_id", "=", "dev-new")
      .executeTakeFirst();
    expect(latestNew?.value).toBe(9);
  });

  it("retention - a projection that needs the whole log refuses a stream whose head is gone", async () => {
    const { devicesProjection } = await import("@uaip/projections");
    const stream = streamName(t.namespace, "devices");
    await t.publish(createEvent("device.registered", "gone", { name: "G", type: "sensor" }));
    await t.publish(createEvent("device.registered", "kept", { name: "K", type: "sensor" }));
    await t.jsm.streams.purge(stream, { keep: 1 });
    await expect(verifyProjection(deps(), devicesProjection)).rejects.toThrow(
      /devices needs the whole log, but .* starts at sequence 2/,
    );
    await expect(rebuildProjection(deps(), devicesProjection)).rejects.toThrow(
      /needs the whole log/,
    );
  });

  // The test above left the devices stream starting at sequence 2.
  it("retention - a live worker that finds its next events expired skips them and says how many", async () => {
    const logs = capturedLogs();
    let position: number | undefined;
    const target: ProjectionTarget = {
      name: "late",
      stream: "devices",
      position: async () => position,
      async commit(batch) {
        position = batch.to;
      },
    };
    const p = Projector.start({
      target,
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: logs.logger,
      batchSize: 20,
      batchWaitMs: 10,
    });
    await waitFor(async () => position === 2, 30_000, "at the stream's end");
    await p.stop();
    const warning = logs.warnings().find((w) => /retention removed/.test(w.msg));
    expect(warning).toMatchObject({ from: 1, to: 1, events: 1 });
  });
});
