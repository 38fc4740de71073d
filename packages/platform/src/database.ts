import type { Database } from "@uaip/migrations";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";

// int8 columns hold stream sequences and counts, far below 2^53: read them as numbers.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (s: string) => Number(s);
    return pg.types.getTypeParser(oid, format);
  },
};

export type Db = Kysely<Database>;

/** A Kysely instance over a pg pool; `destroy()` it when done. */
export function createDatabase(
  url: string,
  opts: { max?: number; name?: string; statementTimeoutMs?: number } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.name ?? "uaip",
    types,
    connectionTimeoutMillis: 5_000,
    // A stuck query is cancelled on the server too, not only abandoned by the API.
    ...(opts.statementTimeoutMs ? { statement_timeout: opts.statementTimeoutMs } : {}),
  });
  // PostgreSQL going away reaches a client as an 'error' event: the pool listens on idle
  // clients only, and a client checked out between two statements of a transaction has
  // no query to reject, so Node would throw the event and kill the process. A listener on
  // every client keeps it alive; the failed client's next query rejects and the pool
  // drops it.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Creates the database named in `url` when it does not exist yet (dev and tests). */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({
    connectionString: admin.toString(),
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (err) {
    // Two processes racing to create it: the loser finds it there.
    if ((err as { code?: string }).code === "42P04") return false;
    throw err;
  } finally {
    await client.end();
  }
}

/** Drops the database named in `url` (tests only). */
export async function dropDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
