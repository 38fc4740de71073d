import { createEvent, type RecordedEvent } from "@uaip/events";
import {
  deviceFromTable,
  devicesProjection,
  foldDevices,
  RetryBatchError,
} from "@uaip/projections";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckpointConflictError } from "./errors.ts";
import { postgresTarget } from "./postgres-target.ts";

let t: TestHub;
let target: ReturnType<typeof postgresTarget>;
beforeAll(async () => {
  t = await createTestHub();
  target = postgresTarget(t.db, devicesProjection); // one writer, its cache warm across tests
  await target.position();
});
afterAll(() => t?.close());

const statuses = ["online", "offline", "error"] as const;
const history: RecordedEvent[] = [];
for (let seq = 1; seq <= 24; seq++) {
  const event =
    seq <= 3
      ? createEvent("device.registered", `p-${seq}`, { name: `P${seq}`, type: "sensor" })
      : createEvent("device.status_changed", `p-${(seq % 3) + 1}`, {
          status: statuses[seq % 3]!,
          reason: `s${seq}`,
        });
  history.push({ stream: "S", seq, subject: "x", storedAt: new Date(), event });
}
const events = (from: number, to: number) => history.slice(from - 1, to);

const rows = async () =>
  (await t.db.selectFrom("devices").selectAll().orderBy("id").execute()).map(deviceFromTable);

describe("postgres target", () => {
  it("postgres-target - a rolled-back batch leaves the writer's cache as the table is, so its retry applies", async () => {
    await target.commit({ events: events(1, 10), rejected: [], from: 0, to: 10 });
    // The checkpoint is at 10, not 5: the batch is rolled back after the writer wrote rows.
    await expect(
      target.commit({ events: events(11, 20), rejected: [], from: 5, to: 20 }),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    await target.commit({ events: events(11, 20), rejected: [], from: 10, to: 20 });
    expect(await rows()).toEqual(
      [...foldDevices(events(1, 20)).values()].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it("postgres-target - rows changed behind the writer's back are detected and re-read, not overwritten", async () => {
    // Another writer (a worker that held the lease, a rebuild) moved p-1 past these events.
    await sql`UPDATE devices SET version = 1000, name = 'elsewhere' WHERE id = 'p-1'`.execute(t.db);
    await sql`UPDATE projection_checkpoints SET position = 20 WHERE name = 'devices'`.execute(t.db);
    const batch = { events: events(21, 24), rejected: [], from: 20, to: 24 };
    await expect(target.commit(batch)).rejects.toBeInstanceOf(RetryBatchError);
    // The runtime retries; the writer now reads p-1 from the table, where it is newer than
    // these events, so the stale cached state never overwrites it.
    await target.commit(batch);
    const p1 = (await rows()).find((r) => r.id === "p-1");
    expect(p1).toMatchObject({ name: "elsewhere", version: 1000 });
  });
});
