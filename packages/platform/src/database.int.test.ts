import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Db } from "./database.ts";

let t: TestHub;
let db: Db;
beforeAll(async () => {
  t = await createTestHub();
  db = createDatabase(t.config.databaseUrl, {
    namespace: t.namespace,
    max: 2,
    name: "uaip-db-test",
  });
});
afterAll(async () => {
  await db?.destroy();
  await t?.close();
});

describe("database pool", () => {
  it("database - a connection killed while checked out fails its work, not the process", async () => {
    // PostgreSQL shutting down (57P01) reaches a client between two statements of a
    // transaction as an 'error' event with no query to reject: with no listener, Node
    // throws it and the whole process dies.
    const outcome = db.transaction().execute(async (tx) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx);
      await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(t.db);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`SELECT 1`.execute(tx);
    });
    await expect(outcome).rejects.toThrow();
    // The pool replaces the dead client: the next query works.
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    expect(rows[0]?.one).toBe(1);
  });
});
