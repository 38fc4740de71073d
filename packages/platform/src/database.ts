import type { Database } from "@uaip/migrations";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { tracedPool } from "./traced-pool.ts";

// int8 columns hold stream sequences and counts, far below 2^53: read them as numbers.
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8) return (s: string) => Number(s);
    return pg.types.getTypeParser(oid, format);
  },
};

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /**
   * The hub's namespace. Its tables live in the PostgreSQL schema of the same name, which
   * every connection puts first on its `search_path`: two hubs sharing one database never
   * see each other's read models, checkpoints or keys.
   */
  readonly namespace: string;
  readonly max?: number;
  readonly name?: string;
  readonly statementTimeoutMs?: number;
}

/**
 * A Kysely instance over a pg pool whose unqualified table names resolve to the
 * namespace's schema, each transaction and statement a span (see tracedPool); `destroy()`
 * it when done.
 *
 * @example
 * const db = createDatabase(config.databaseUrl, { namespace: config.namespace });
 */
export function createDatabase(url: string, opts: DatabaseOptions): Db {
  const pool = new pg.Pool({
    connectionString: url,
    // The namespace is a plain identifier (see NamespaceSchema), safe in the option.
    options: `-c search_path=${databaseSchema(opts.namespace)}`,
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
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: tracedPool(pool) }) });
}

/** The PostgreSQL schema holding a namespace's tables: the namespace itself. */
export function databaseSchema(namespace: string): string {
  if (!/^[a-z][a-z0-9_]{0,31}$/.test(namespace) || namespace.startsWith("pg_"))
    throw new Error(`namespace "${namespace}" cannot name a PostgreSQL schema`);
  return namespace;
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
