import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // Only a hash of each key is kept; the key itself is shown once, when created.
  await sql`
    CREATE TABLE api_keys (
      id           text PRIMARY KEY,
      name         text NOT NULL,
      hash         text NOT NULL UNIQUE,
      scopes       text[] NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      revoked_at   timestamptz,
      last_used_at timestamptz
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE api_keys`.execute(db);
}
