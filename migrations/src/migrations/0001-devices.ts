import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE devices (
      id                text PRIMARY KEY,
      name              text NOT NULL,
      type              text NOT NULL,
      capabilities      text[] NOT NULL DEFAULT '{}',
      tags              text[] NOT NULL DEFAULT '{}',
      location          text,
      firmware          text,
      metadata          jsonb NOT NULL DEFAULT '{}',
      status            text NOT NULL DEFAULT 'unknown',
      status_reason     text,
      status_changed_at timestamptz,
      registered_at     timestamptz,
      last_seen_at      timestamptz NOT NULL,
      decommissioned_at timestamptz,
      version           bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX devices_status_idx ON devices (status, id)`.execute(db);
  await sql`CREATE INDEX devices_type_idx ON devices (type, id)`.execute(db);
  await sql`CREATE INDEX devices_location_idx ON devices (location, id)`.execute(db);
  await sql`CREATE INDEX devices_tags_idx ON devices USING gin (tags)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE devices`.execute(db);
}
