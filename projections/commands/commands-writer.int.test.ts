import { createEvent } from "@uaip/events";
import { createTestHub, postgresWriterSpec, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnfoldableEventError } from "../projection.ts";
import { commandHistory, issue, stored } from "../testing/histories.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { foldCommands } from "./commands-fold.ts";
import { commandsProjection } from "./commands-projection.ts";
import { fromTable } from "./commands-writer.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());

const readCommands = async () => {
  const rows = await t.db.selectFrom("commands").selectAll().execute();
  return new Map(rows.map((r) => [r.command_id, fromTable(r)]));
};
const spec = postgresWriterSpec(() => t.db, commandsProjection, readCommands);

describe("commands writer", () => {
  writerContract({
    area: "commands writer",
    spec,
    history: commandHistory,
    fold: (events) => foldCommands(events),
    replayable: true,
  });

  it("commands writer - an event for a command never issued fails its batch, writing nothing", async () => {
    const orphan = createEvent("command.acknowledged", "b1", { commandId: "ghost" });
    const batch = stored("UAIP_COMMANDS", [issue("c1", 0), orphan]);
    const applying = spec.given(...batch).result();
    await expect(applying).rejects.toBeInstanceOf(UnfoldableEventError);
    await expect(applying).rejects.toMatchObject({
      message: "command ghost was never issued",
      seq: 2,
    });
    expect(await t.db.selectFrom("commands").selectAll().execute()).toEqual([]);
  });

  it("commands writer - a stale batch after a newer one does not take a row back", async () => {
    await spec
      .given(...commandHistory)
      .when(...commandHistory.slice(0, 6))
      .thenEquals(foldCommands(commandHistory));
  });

  it("commands writer - a stale writer racing a newer one does not take rows back", async () => {
    await spec.given(...commandHistory.slice(0, 4)).result();
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
    expect(await readCommands()).toEqual(foldCommands(commandHistory));
  });
});
