import { createDatabase } from "@uaip/platform";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDown, migrateUp, migrationStatus } from "./migrator.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub(); // migrated once
});
afterAll(() => t?.close());

const tables = async () =>
  (
    await sql<{
      tablename: string;
    }>`select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely%' order by 1`.execute(
      t.db,
    )
  ).rows.map((r) => r.tablename);

describe("migrations", () => {
  it("migrations - a second up applies nothing", async () => {
    expect(await migrateUp(t.db)).toEqual({ changed: [] });
    expect((await migrationStatus(t.db)).every((m) => m.executedAt instanceof Date)).toBe(true);
  });

  it("migrations - create every read model named in the design", async () => {
    expect(await tables()).toEqual([
      "api_keys",
      "commands",
      "device_status_history",
      "devices",
      "fleet_stats",
      "projection_checkpoints",
      "rejected_events",
      "telemetry_latest",
      "telemetry_minutes",
    ]);
  });

  it("migrations - down reverts the last one and up re-applies it", async () => {
    expect(await migrateDown(t.db, 2)).toEqual({
      changed: ["0009-checkpoint-stream", "0008-api-keys"],
    });
    expect(await tables()).not.toContain("api_keys");
    expect(await migrateUp(t.db)).toEqual({ changed: ["0008-api-keys", "0009-checkpoint-stream"] });
  });

  it("migrations - concurrent ups from several processes apply each migration once", async () => {
    await migrateDown(t.db, 3);
    const reports = await Promise.all([migrateUp(t.db), migrateUp(t.db), migrateUp(t.db)]);
    expect(reports.flatMap((r) => r.changed).sort()).toEqual([
      "0007-rejected-events",
      "0008-api-keys",
      "0009-checkpoint-stream",
    ]);
    expect(reports.every((r) => r.error === undefined)).toBe(true);
  });

  it("migrations - each namespace has its own tables and checkpoints in one database", async () => {
    const other = createDatabase(t.config.databaseUrl, { namespace: `${t.namespace}_b`, max: 1 });
    try {
      expect(await migrateUp(other)).toMatchObject({
        changed: expect.arrayContaining(["0001-devices"]),
      });
      await other
        .insertInto("projection_checkpoints")
        .values({ name: "devices", position: 21, updated_at: new Date() })
        .execute();
      const mine = await t.db
        .selectFrom("projection_checkpoints")
        .select("position")
        .where("name", "=", "devices")
        .executeTakeFirst();
      expect(mine?.position ?? 0).toBe(0);
      const schemas = await sql<{ s: string }>`SELECT current_schema() AS s`.execute(other);
      expect(schemas.rows[0]?.s).toBe(`${t.namespace}_b`);
    } finally {
      await sql.raw(`DROP SCHEMA "${t.namespace}_b" CASCADE`).execute(t.db);
      await other.destroy();
    }
  });
});
