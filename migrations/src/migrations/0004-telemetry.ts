import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE telemetry_minutes (
      device_id text NOT NULL,
      metric    text NOT NULL,
      minute    timestamptz NOT NULL,
      count     bigint NOT NULL,
      min       double precision NOT NULL,
      max       double precision NOT NULL,
      sum       double precision NOT NULL,
      last      double precision NOT NULL,
      last_at   timestamptz NOT NULL,
      PRIMARY KEY (device_id, metric, minute)
    )`.execute(db);
  await sql`
    CREATE TABLE telemetry_latest (
      device_id text NOT NULL,
      metric    text NOT NULL,
      value     double precision NOT NULL,
      at        timestamptz NOT NULL,
      seq       bigint NOT NULL,
      PRIMARY KEY (device_id, metric)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE telemetry_latest`.execute(db);
  await sql`DROP TABLE telemetry_minutes`.execute(db);
}
