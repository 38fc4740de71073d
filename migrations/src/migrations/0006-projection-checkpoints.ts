import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per projection: its position in the stream, and the lease that lets exactly
  // one worker write at a time.
  await sql`
    CREATE TABLE projection_checkpoints (
      name        text PRIMARY KEY,
      position    bigint NOT NULL DEFAULT 0,
      owner       text,
      lease_until timestamptz,
      updated_at  timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE projection_checkpoints`.execute(db);
}
