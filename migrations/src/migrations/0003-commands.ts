import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE commands (
      command_id      text PRIMARY KEY,
      device_id       text NOT NULL,
      name            text NOT NULL,
      params          jsonb NOT NULL DEFAULT '{}',
      state           text NOT NULL,
      attempts        integer NOT NULL DEFAULT 0,
      issued_at       timestamptz NOT NULL,
      expires_at      timestamptz NOT NULL,
      delivered_at    timestamptz,
      acknowledged_at timestamptz,
      completed_at    timestamptz,
      failed_at       timestamptz,
      expired_at      timestamptz,
      cancelled_at    timestamptz,
      result          jsonb,
      error           jsonb,
      idempotency_key text,
      version         bigint NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX commands_device_idx ON commands (device_id, issued_at, command_id)`.execute(
    db,
  );
  await sql`CREATE INDEX commands_open_idx ON commands (state) WHERE state IN ('issued', 'delivered', 'acknowledged')`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE commands`.execute(db);
}
