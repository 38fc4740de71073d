import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE fleet_stats (
      dimension text NOT NULL CHECK (dimension IN ('status', 'type')),
      key       text NOT NULL,
      count     bigint NOT NULL,
      PRIMARY KEY (dimension, key)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE fleet_stats`.execute(db);
}
