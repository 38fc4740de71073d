import pg from "pg";

/** Socket errors Node reports when a server cannot be reached or went away. */
export const socketErrorCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * The drivers' own connection failures carry no code, only these fixed texts (pg 8,
 * pg-pool 3, Kysely 0.28). Matched whole, never as patterns: a query's error text is never looked at.
 */
const driverConnectionErrors: ReadonlySet<string> = new Set([
  "Connection terminated",
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "timeout expired",
  "Query read timeout",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  // Kysely's, once the pool is destroyed (a process shutting down with requests in flight).
  "driver has already been destroyed",
]);

/** SQLSTATE classes meaning "the server cannot serve now", not "this statement is wrong". */
function unavailableSqlState(code: string): boolean {
  return (
    code.startsWith("08") || // connection exception
    code.startsWith("53") || // insufficient resources (too many connections, disk full)
    // Operator intervention: shutdown (57P01, 57P02), starting up (57P03), database dropped
    // (57P04), idle session timeout (57P05), query cancelled by a statement timeout (57014).
    code.startsWith("57")
  );
}

/**
 * Whether a PostgreSQL call failed because the server is unreachable or unavailable (down,
 * restarting, out of connections, too slow), as opposed to a bad statement. By SQLSTATE
 * and socket codes; the driver's codeless connection errors by their exact text. Follows
 * `cause`.
 *
 * @example
 * catch (err) { if (isPostgresUnavailable(err)) return retryLater(); throw err; }
 */
export function isPostgresUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (e instanceof pg.DatabaseError) return typeof code === "string" && unavailableSqlState(code);
    if (typeof code === "string" && socketErrorCodes.has(code)) return true;
    if (driverConnectionErrors.has(e.message)) return true;
  }
  return false;
}

/** SQLSTATEs of class 40 after which the same transaction may simply be run again. */
const conflictSqlStates: ReadonlySet<string> = new Set([
  "40000", // transaction rollback
  "40001", // serialization failure
  "40003", // statement completion unknown
  "40P01", // deadlock detected
]);

/**
 * Whether PostgreSQL refused a transaction only because of a conflict with another one
 * (serialization failure, deadlock): the same work may simply be tried again.
 */
export function isPostgresConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof pg.DatabaseError && typeof code === "string" && conflictSqlStates.has(code);
}
