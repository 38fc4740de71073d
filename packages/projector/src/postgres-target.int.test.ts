import { createEvent, type RecordedEvent } from "@uaip/events";
import {
  CheckpointConflictError,
  type DeviceRow,
  deviceFromTable,
  devicesProjection,
  foldDevices,
} from "@uaip/projections";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  const id = `p-${(seq % 3) + 1}`;
  // 21 sets a field no later event overwrites, so a fold on a stale cache would lose it.
  const event =
    seq <= 3
      ? createEvent("device.registered", `p-${seq}`, { name: `P${seq}`, type: "sensor" })
      : seq === 21
        ? createEvent("device.updated", id, { location: "moved by the other worker" })
        : createEvent("device.status_changed", id, {
            status: statuses[seq % 3]!,
            reason: `s${seq}`,
          });
  history.push({ stream: "S", seq, subject: "x", storedAt: new Date(), event });
}
const events = (from: number, to: number) => history.slice(from - 1, to);

const sorted = (m: Map<string, DeviceRow>) =>
  [...m.values()].sort((a, b) => a.id.localeCompare(b.id));
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

  it("postgres-target - after another worker's batches, the writer folds on the table's rows, not its cache", async () => {
    const other = postgresTarget(t.db, devicesProjection);
    await other.commit({ events: events(21, 22), rejected: [], from: 20, to: 22 });
    // This writer still caches the rows as of 20: its batch from 20 is refused...
    await expect(
      target.commit({ events: events(21, 22), rejected: [], from: 20, to: 22 }),
    ).rejects.toBeInstanceOf(CheckpointConflictError);
    // ...and once it carries on from the new checkpoint, the rows are right.
    await target.commit({ events: events(23, 24), rejected: [], from: 22, to: 24 });
    expect(await rows()).toEqual(sorted(foldDevices(events(1, 24))));
  });
});
