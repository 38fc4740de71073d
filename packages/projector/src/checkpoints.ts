import type { Database } from "@uaip/migrations";
import type { Kysely, Transaction } from "kysely";
import { CheckpointConflictError } from "./errors.ts";

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
): Promise<void> {
  const result = await tx
    .updateTable("projection_checkpoints")
    .set({ position: next, updated_at: new Date() })
    .where("name", "=", name)
    .where("position", "=", expected)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new CheckpointConflictError(name, expected);
}
