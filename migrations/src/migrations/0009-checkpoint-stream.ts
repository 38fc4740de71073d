import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Which stream instance the position counts in (its name and creation time): a stream
  // deleted and created again restarts its sequences, and a checkpoint from the old one
  // must not make the projection skip the new one's events.
  await sql`ALTER TABLE projection_checkpoints ADD COLUMN stream_id text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE projection_checkpoints DROP COLUMN stream_id`.execute(db);
}
