import { recordSpans } from "@uaip/telemetry/testing";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type Db } from "./database.ts";
import { packageTracer, withSpan } from "./tracing.ts";

let t: TestHub;
let db: Db;
beforeAll(async () => {
  t = await createTestHub();
  db = createDatabase(t.config.databaseUrl, { namespace: t.namespace, max: 2 });
});
afterAll(async () => {
  await db?.destroy();
  await t?.close();
});

describe("traced pool", () => {
  it("pg spans - a transaction is a span, its statements its children, their text without values", async () => {
    await using spans = recordSpans();
    const tracer = packageTracer("test");
    await withSpan(tracer, "work", {}, () =>
      db.transaction().execute(async (tx) => {
        await sql`SELECT ${"secret-value"}::text AS v`.execute(tx);
        await sql`SELECT 2 AS two`.execute(tx);
      }),
    );
    await sql`SELECT 3 AS three`.execute(db);
    const [work] = spans.named("work");
    const [transaction] = spans.named("pg transaction");
    const queries = spans.named("pg query");
    expect(transaction?.parentSpanContext?.spanId).toBe(work?.spanContext().spanId);
    expect(queries.map((q) => q.attributes["db.statement"])).toEqual([
      "SELECT $1::text AS v",
      "SELECT 2 AS two",
      "SELECT 3 AS three",
    ]);
    expect(queries.slice(0, 2).map((q) => q.parentSpanContext?.spanId)).toEqual([
      transaction?.spanContext().spanId,
      transaction?.spanContext().spanId,
    ]);
    expect(queries[2]?.parentSpanContext).toBeUndefined();
    expect(JSON.stringify(spans.finished().map((s) => s.attributes))).not.toContain("secret-value");
  });

  it("pg spans - a failed statement and its rolled-back transaction are errors", async () => {
    await using spans = recordSpans();
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`SELECT * FROM no_such_table`.execute(tx);
      }),
    ).rejects.toThrow();
    expect(spans.named("pg query")[0]?.status.code).toBe(2);
    expect(spans.named("pg transaction")[0]?.status).toMatchObject({
      code: 2,
      message: "rolled back",
    });
  });
});
