import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { foldCommands } from "./commands/commands-fold.ts";
import { commandsProjection } from "./commands/commands-projection.ts";
import { fromTable as commandFromTable } from "./commands/commands-writer.ts";
import { foldStatusHistory } from "./device-status-history/device-status-history-fold.ts";
import { deviceStatusHistoryProjection } from "./device-status-history/device-status-history-projection.ts";
import { fromTable as statusChangeFromTable } from "./device-status-history/device-status-history-writer.ts";
import { foldDevices } from "./devices/devices-fold.ts";
import { devicesProjection } from "./devices/devices-projection.ts";
import { fromTable as deviceFromTable } from "./devices/devices-writer.ts";
import { type Projection, UnfoldableEventError } from "./projection.ts";
import { foldTelemetry, latestKey, minuteKey } from "./telemetry/telemetry-fold.ts";
import { telemetryProjection } from "./telemetry/telemetry-projection.ts";
import { latestFromTable, minuteFromTable } from "./telemetry/telemetry-writer.ts";

// Each projection's writer, against a real PostgreSQL, must leave exactly the rows its pure
// fold gives for the same events, however the events are cut into batches.

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());
beforeEach(async () => {
  await sql`TRUNCATE devices, fleet_stats, device_status_history, commands, telemetry_minutes,
    telemetry_latest`.execute(t.db);
});

/** 10:mm:ss.ms on the test day, UTC. */
const at = (minute: number, second = 0, ms = 0) =>
  `2026-11-21T10:${pad(minute)}:${pad(second)}.${String(ms).padStart(3, "0")}Z`;
const pad = (n: number) => String(n).padStart(2, "0");

/** Events as a stream stores them: sequences from 1, stored a little after they occurred. */
function stored(stream: string, events: readonly DeviceEvent[]): RecordedEvent[] {
  return events.map((event, i) => ({
    stream,
    seq: i + 1,
    subject: "x",
    storedAt: new Date(Date.parse(event.occurredAt) + 250),
    event,
  }));
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Each batch in a transaction of its own, as the runtime applies them. */
async function applyBatches(p: Projection, batches: readonly RecordedEvent[][]): Promise<void> {
  for (const batch of batches) await t.db.transaction().execute((tx) => p.apply(tx, batch));
}

const deviceHistory = stored("UAIP_DEVICES", [
  createEvent(
    "device.registered",
    "b1",
    { name: "Hall light", type: "smart-bulb", capabilities: ["set_power"], tags: ["home"] },
    { occurredAt: at(0) },
  ),
  createEvent(
    "device.registered",
    "th1",
    { name: "Thermostat", type: "thermostat", location: "hall", metadata: { floor: 1 } },
    { occurredAt: at(0, 5) },
  ),
  createEvent("device.status_changed", "b1", { status: "online" }, { occurredAt: at(1) }),
  createEvent("device.status_changed", "th1", { status: "online" }, { occurredAt: at(1, 2) }),
  createEvent("device.updated", "b1", { location: "hall", tags: ["home", "hall"] }),
  createEvent("device.status_changed", "plain-1", { status: "online" }, { occurredAt: at(2) }),
  createEvent(
    "device.status_changed",
    "th1",
    { status: "error", reason: "sensor fault" },
    { occurredAt: at(3) },
  ),
  createEvent(
    "device.status_changed",
    "b1",
    { status: "offline", reason: "heartbeat timeout" },
    { occurredAt: at(4), source: "hub" },
  ),
  createEvent("device.decommissioned", "th1", { reason: "replaced" }, { occurredAt: at(5) }),
  createEvent("device.status_changed", "b1", { status: "online" }, { occurredAt: at(3, 30) }),
]);

const issue = (id: string, minute: number, extra: { idempotencyKey?: string } = {}) =>
  createEvent(
    "command.issued",
    "b1",
    {
      commandId: id,
      name: "set_power",
      params: { on: true, level: 3 },
      expiresAt: at(30),
      ...extra,
    },
    { occurredAt: at(minute), source: "operator" },
  );
const commandHistory = stored("UAIP_COMMANDS", [
  issue("c1", 0, { idempotencyKey: "k-1" }),
  issue("c2", 0),
  issue("c3", 1),
  issue("c4", 1),
  createEvent("command.delivered", "b1", { commandId: "c1", attempt: 1 }, { occurredAt: at(1) }),
  createEvent("command.delivered", "b1", { commandId: "c2", attempt: 1 }, { occurredAt: at(1) }),
  createEvent("command.acknowledged", "b1", { commandId: "c1" }, { occurredAt: at(2) }),
  createEvent("command.cancelled", "b1", { commandId: "c3" }, { occurredAt: at(2) }),
  createEvent("command.delivered", "b1", { commandId: "c3", attempt: 1 }, { occurredAt: at(3) }),
  createEvent("command.delivered", "b1", { commandId: "c2", attempt: 2 }, { occurredAt: at(4) }),
  createEvent(
    "command.completed",
    "b1",
    { commandId: "c1", result: { power: "on", levels: [1, 2, 3] } },
    { occurredAt: at(5) },
  ),
  createEvent(
    "command.failed",
    "b1",
    { commandId: "c2", error: { message: "relay stuck" } },
    { occurredAt: at(6) },
  ),
  createEvent(
    "command.completed",
    "b1",
    { commandId: "c2", result: "late" },
    { occurredAt: at(7) },
  ),
  createEvent("command.expired", "b1", { commandId: "c4" }, { occurredAt: at(30) }),
  issue("c5", 8),
  createEvent("command.completed", "b1", { commandId: "c5" }, { occurredAt: at(9) }),
]);

// Values are multiples of 0.25, so sums are exact however the batches group them.
const telemetryHistory = stored("UAIP_TELEMETRY", [
  ...Array.from({ length: 30 }, (_, i) =>
    createEvent(
      "telemetry.reported",
      i % 3 === 0 ? "t2" : "t1",
      { metrics: { temperature: 18 + ((i * 7) % 13) * 0.25, ...(i % 2 ? { power: -i } : {}) } },
      // Some readings are taken before ones stored earlier (clock skew, buffering).
      { occurredAt: at(Math.floor(i / 8), (i * 17) % 60, i % 4 === 0 ? 0 : 500) },
    ),
  ),
  // Taken at the same time, the latest of their minute: the later in the stream wins.
  createEvent(
    "telemetry.reported",
    "t1",
    { metrics: { power: 98 } },
    { occurredAt: at(3, 59, 750) },
  ),
  createEvent(
    "telemetry.reported",
    "t1",
    { metrics: { power: 99 } },
    { occurredAt: at(3, 59, 750) },
  ),
  createEvent("device.status_changed", "t1", { status: "online" }, { occurredAt: at(4) }),
]);

interface Case {
  readonly area: string;
  readonly projection: Projection;
  readonly history: RecordedEvent[];
  /** Whether applying an applied batch again is a no-op (a sequence guard or DO NOTHING). */
  readonly replayable: boolean;
  read(): Promise<unknown>;
  fold(events: readonly RecordedEvent[]): unknown;
}

const cases: Case[] = [
  {
    area: "devices writer",
    projection: devicesProjection,
    history: deviceHistory,
    replayable: true,
    read: async () => {
      const rows = await t.db.selectFrom("devices").selectAll().execute();
      const stats = await t.db
        .selectFrom("fleet_stats")
        .selectAll()
        .where("count", "<>", 0)
        .execute();
      return {
        rows: new Map(rows.map((r) => [r.id, deviceFromTable(r)])),
        stats: new Map(stats.map((s) => [`${s.dimension}:${s.key}`, Number(s.count)])),
      };
    },
    fold: (events) => {
      const rows = foldDevices(events);
      const stats = new Map<string, number>();
      for (const row of rows.values()) {
        if (row.decommissionedAt !== null) continue;
        for (const key of [`status:${row.status}`, `type:${row.type}`])
          stats.set(key, (stats.get(key) ?? 0) + 1);
      }
      return { rows, stats };
    },
  },
  {
    area: "device status history writer",
    projection: deviceStatusHistoryProjection,
    history: deviceHistory,
    replayable: true,
    read: async () => {
      const rows = await t.db.selectFrom("device_status_history").selectAll().execute();
      return new Map(rows.map((r) => [Number(r.seq), statusChangeFromTable(r)]));
    },
    fold: (events) => foldStatusHistory(events),
  },
  {
    area: "commands writer",
    projection: commandsProjection,
    history: commandHistory,
    replayable: true,
    read: async () => {
      const rows = await t.db.selectFrom("commands").selectAll().execute();
      return new Map(rows.map((r) => [r.command_id, commandFromTable(r)]));
    },
    fold: (events) => foldCommands(events),
  },
  {
    area: "telemetry writer",
    projection: telemetryProjection,
    history: telemetryHistory,
    // Counts and sums add up: the runtime's checkpoint is what keeps a batch from coming twice.
    replayable: false,
    read: async () => {
      const minutes = await t.db.selectFrom("telemetry_minutes").selectAll().execute();
      const latest = await t.db.selectFrom("telemetry_latest").selectAll().execute();
      return {
        minutes: new Map(minutes.map((r) => [minuteKey(minuteFromTable(r)), minuteFromTable(r)])),
        latest: new Map(latest.map((r) => latestFromTable(r)).map((r) => [latestKey(r), r])),
      };
    },
    fold: (events) => {
      const { minutes, latest } = foldTelemetry(events);
      return { minutes, latest };
    },
  },
];

describe.each(cases)("$area", (c) => {
  it(`${c.area} - one batch leaves the rows the fold gives`, async () => {
    await applyBatches(c.projection, [c.history]);
    const rows = await c.read();
    expect(rows).toEqual(c.fold(c.history));
  });

  it(`${c.area} - a history cut into batches leaves what one batch leaves`, async () => {
    await applyBatches(c.projection, chunks(c.history, 3));
    const inThrees = await c.read();
    expect(inThrees).toEqual(c.fold(c.history));

    await sql`TRUNCATE ${sql.raw(c.projection.tables.join(", "))}`.execute(t.db);
    await applyBatches(c.projection, chunks(c.history, 1));
    expect(await c.read()).toEqual(inThrees);
  });

  if (!c.replayable) return;
  it(`${c.area} - the same batch applied twice changes nothing`, async () => {
    const half = c.history.slice(0, Math.ceil(c.history.length / 2));
    await applyBatches(c.projection, [half]);
    const once = await c.read();
    await applyBatches(c.projection, [half]);
    expect(await c.read()).toEqual(once);
    expect(once).toEqual(c.fold(half));
    // And a batch overlapping what is applied lands only its new part.
    await applyBatches(c.projection, [c.history]);
    expect(await c.read()).toEqual(c.fold(c.history));
  });
});

describe("commands writer", () => {
  it("commands writer - an event for a command never issued fails its batch, writing nothing", async () => {
    const orphan = createEvent("command.acknowledged", "b1", { commandId: "ghost" });
    const batch = stored("UAIP_COMMANDS", [issue("c1", 0), orphan]);
    const applying = applyBatches(commandsProjection, [batch]);
    await expect(applying).rejects.toBeInstanceOf(UnfoldableEventError);
    await expect(applying).rejects.toMatchObject({
      message: "command ghost was never issued",
      seq: 2,
    });
    expect(await t.db.selectFrom("commands").selectAll().execute()).toEqual([]);
  });

  it("commands writer - a stale batch after a newer one does not take a row back", async () => {
    await applyBatches(commandsProjection, [commandHistory]);
    await applyBatches(commandsProjection, [commandHistory.slice(0, 6)]);
    const rows = await t.db.selectFrom("commands").selectAll().execute();
    expect(new Map(rows.map((r) => [r.command_id, commandFromTable(r)]))).toEqual(
      foldCommands(commandHistory),
    );
  });

  it("commands writer - a stale writer racing a newer one does not take rows back", async () => {
    await applyBatches(commandsProjection, [commandHistory.slice(0, 4)]);
    // The newer writer holds its rows locked until the stale one has read the old versions
    // and waits on them; its version guard is then all that stops it.
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    let wrote!: () => void;
    const written = new Promise<void>((r) => {
      wrote = r;
    });
    const newer = t.db.transaction().execute(async (tx) => {
      await commandsProjection.apply(tx, commandHistory.slice(4));
      wrote();
      await released;
    });
    await written;
    const stale = t.db
      .transaction()
      .execute((tx) => commandsProjection.apply(tx, commandHistory.slice(4, 8)));
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.db);
      return rows[0]!.n > 0;
    });
    release();
    await Promise.all([newer, stale]);
    const rows = await t.db.selectFrom("commands").selectAll().execute();
    expect(new Map(rows.map((r) => [r.command_id, commandFromTable(r)]))).toEqual(
      foldCommands(commandHistory),
    );
  });
});

describe("telemetry writer", () => {
  it("telemetry writer - a replayed batch leaves the latest readings as they were", async () => {
    await applyBatches(telemetryProjection, [telemetryHistory]);
    await applyBatches(telemetryProjection, [telemetryHistory.slice(0, 10)]);
    const latest = await t.db.selectFrom("telemetry_latest").selectAll().execute();
    expect(new Map(latest.map((r) => latestFromTable(r)).map((r) => [latestKey(r), r]))).toEqual(
      foldTelemetry(telemetryHistory).latest,
    );
  });
});
