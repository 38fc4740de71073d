import type { RecordedEvent } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import { type Kysely, sql, type Transaction } from "kysely";
import { type WriterSpec, writerSpec } from "./projection-spec.ts";

/** The part of a PostgreSQL projection a writer spec drives (`Projection` has it). */
export interface PostgresWriter {
  /** The tables it writes: emptied before each case. */
  readonly tables: readonly (keyof Database)[];
  apply(tx: Transaction<Database>, events: readonly RecordedEvent[]): Promise<void>;
}

/**
 * A writer spec against a real PostgreSQL: each case truncates the projection's tables,
 * applies each batch in a transaction of its own (as the runtime does, without the
 * checkpoint), then reads the rows back with `read`.
 *
 * @example
 * const spec = postgresWriterSpec(() => t.db, commandsProjection, async (db) => readCommands(db));
 * await spec.given(...history).inBatchesOf(3).thenEquals(foldCommands(history));
 */
export function postgresWriterSpec<R>(
  db: () => Kysely<Database>,
  writer: PostgresWriter,
  read: (db: Kysely<Database>) => Promise<R>,
): WriterSpec<RecordedEvent, R> {
  return writerSpec({
    reset: async () => {
      await sql`TRUNCATE ${sql.join(writer.tables.map((t) => sql.table(t)))}`.execute(db());
    },
    apply: (batch) =>
      db()
        .transaction()
        .execute((tx) => writer.apply(tx, batch)),
    read: () => read(db()),
  });
}
