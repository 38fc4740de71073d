import type { Database } from "@uaip/migrations";
import type { Db } from "@uaip/platform";
import type { Projection, ProjectionTarget, TargetBatch } from "@uaip/projections";
import { type Kysely, sql, type Transaction } from "kysely";
import { advanceCheckpoint, ensureCheckpoint, readStreamId } from "./checkpoints.ts";
import { recordRejections } from "./dead-letters.ts";

export interface PostgresTargetOptions {
  /**
   * Schema whose tables shadow the live ones (rebuild and verify build there). Unqualified
   * table names resolve to it first through `search_path`, so writers need no change.
   */
  readonly schema?: string;
}

/**
 * Runs `fn` in a transaction whose unqualified table names resolve to `schema` first, then
 * to the connection's own schema (the namespace's).
 */
export async function inSchema<T>(
  db: Kysely<Database>,
  schema: string | undefined,
  fn: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    if (schema)
      await sql`SELECT set_config('search_path', quote_ident(${schema}) || ', ' || current_setting('search_path'), true)`.execute(
        tx,
      );
    return fn(tx);
  });
}

/**
 * A PostgreSQL projection: its rows, its rejected events and its checkpoint written in
 * ONE transaction, the checkpoint moved by compare-and-set.
 */
export function postgresTarget(
  db: Db,
  projection: Projection,
  opts: PostgresTargetOptions = {},
): ProjectionTarget {
  const writer = projection.createWriter?.();
  const apply = writer?.apply ?? projection.apply;
  return {
    name: projection.name,
    stream: projection.stream,
    position: () =>
      opts.schema
        ? inSchema(db, opts.schema, (tx) => ensureCheckpoint(tx, projection.name))
        : ensureCheckpoint(db, projection.name),
    streamId: () =>
      opts.schema
        ? inSchema(db, opts.schema, (tx) => readStreamId(tx, projection.name))
        : readStreamId(db, projection.name),
    async commit(batch: TargetBatch) {
      try {
        await inSchema(db, opts.schema, async (tx) => {
          if (batch.events.length > 0) await apply(tx, batch.events);
          await recordRejections(tx, projection.name, batch.rejected);
          await advanceCheckpoint(tx, projection.name, batch.from, batch.to, batch.streamId);
        });
      } catch (err) {
        writer?.aborted();
        throw err;
      }
      writer?.committed();
    },
  };
}
