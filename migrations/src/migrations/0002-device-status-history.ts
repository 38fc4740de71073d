import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // The stream sequence is the key: a replayed event lands on the same row.
  await sql`
    CREATE TABLE device_status_history (
      seq         bigint PRIMARY KEY,
      device_id   text NOT NULL,
      status      text NOT NULL,
      reason      text,
      occurred_at timestamptz NOT NULL,
      stored_at   timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX device_status_history_device_time_idx ON device_status_history (device_id, occurred_at, seq)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE device_status_history`.execute(db);
}
