import { freePort } from "@uaip/local-services";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "./database.ts";
import { isPostgresUnavailable } from "./postgres-unavailable.ts";
import { createRedis } from "./redis.ts";
import { isRedisUnavailable } from "./redis-unavailable.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t?.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("should have failed"),
    (err: unknown) => err,
  );

describe("unavailable", () => {
  it("unavailable - PostgreSQL not listening, or a connection killed, is unavailable; a bad statement is not", async () => {
    const port = await freePort();
    const closed = createDatabase(`postgres://postgres@127.0.0.1:${port}/x`, {
      namespace: t.namespace,
      max: 1,
    });
    try {
      expect(isPostgresUnavailable(await failure(sql`SELECT 1`.execute(closed)))).toBe(true);
    } finally {
      await closed.destroy();
    }
    // A pool already destroyed (a shutting-down process) answers no more queries.
    expect(isPostgresUnavailable(await failure(sql`SELECT 1`.execute(closed)))).toBe(true);
    const killed = await failure(
      t.db.transaction().execute(async (tx) => {
        await sql`SELECT pg_terminate_backend(pg_backend_pid())`.execute(tx);
      }),
    );
    expect(isPostgresUnavailable(killed)).toBe(true);
    expect(isPostgresUnavailable(await failure(sql`SELEC 1`.execute(t.db)))).toBe(false);
    expect(isPostgresUnavailable(await failure(sql`SELECT 1/0`.execute(t.db)))).toBe(false);
    expect(isPostgresUnavailable(new Error("Connection terminated by a test"))).toBe(false);
  });

  it("unavailable - Redis not listening is unavailable; a wrong command is not", async () => {
    const port = await freePort();
    const closed = createRedis(`redis://127.0.0.1:${port}`);
    try {
      await closed.connect().catch(() => {});
      expect(isRedisUnavailable(await failure(closed.get("k")))).toBe(true);
    } finally {
      closed.disconnect();
    }
    const key = `${t.namespace}:not-a-hash`;
    await t.redis.set(key, "x");
    expect(isRedisUnavailable(await failure(t.redis.hgetall(key)))).toBe(false);
    const plain = new Redis({ lazyConnect: true });
    expect(isRedisUnavailable(await failure(plain.call("NOSUCHCOMMAND")))).toBe(false);
    plain.disconnect();
  });
});
