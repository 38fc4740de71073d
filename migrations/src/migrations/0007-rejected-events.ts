import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE rejected_events (
      id          bigserial PRIMARY KEY,
      projection  text NOT NULL,
      stream      text NOT NULL,
      seq         bigint NOT NULL,
      subject     text NOT NULL,
      reason      text NOT NULL,
      message     text NOT NULL,
      issues      jsonb NOT NULL DEFAULT '[]',
      payload     text NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (projection, stream, seq)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE rejected_events`.execute(db);
}
