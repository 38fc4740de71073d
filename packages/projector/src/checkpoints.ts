import type { Database } from "@uaip/migrations";
import { CheckpointConflictError } from "@uaip/projections";
import type { Kysely, Transaction } from "kysely";

/** The projection's position, creating its row at 0 the first time. */
export async function ensureCheckpoint(
  db: Kysely<Database> | Transaction<Database>,
  name: string,
): Promise<number> {
  await db
    .insertInto("projection_checkpoints")
    .values({ name, position: 0, updated_at: new Date() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return readCheckpoint(db, name);
}

export async function readCheckpoint(
  db: Kysely<Database> | Transaction<Database>,
  name: string,
): Promise<number> {
  const row = await db
    .selectFrom("projection_checkpoints")
    .select("position")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.position ?? 0;
}

/**
 * Moves the checkpoint from `expected` to `next` inside the batch's transaction. If
 * another worker moved it first, the update matches no row and the whole batch rolls back.
 */
export async function advanceCheckpoint(
  tx: Transaction<Database>,
  name: string,
  expected: number,
  next: number,
  streamId?: string,
): Promise<void> {
  const result = await tx
    .updateTable("projection_checkpoints")
    .set({ position: next, updated_at: new Date(), ...(streamId ? { stream_id: streamId } : {}) })
    .where("name", "=", name)
    .where("position", "=", expected)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CheckpointConflictError(name, expected);
}

/** The stream instance the projection's position counts in; undefined before it is known. */
export async function readStreamId(
  db: Kysely<Database> | Transaction<Database>,
  name: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("projection_checkpoints")
    .select("stream_id")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.stream_id ?? undefined;
}

/** Records which stream instance the projection reads (kept beside its lease and checkpoint). */
export async function recordStreamId(
  db: Kysely<Database> | Transaction<Database>,
  name: string,
  streamId: string,
): Promise<void> {
  await db
    .insertInto("projection_checkpoints")
    .values({ name, position: 0, updated_at: new Date(), stream_id: streamId })
    .onConflict((oc) => oc.column("name").doUpdateSet({ stream_id: streamId }))
    .execute();
}
