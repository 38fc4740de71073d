import { sql } from "kysely";
import type { CarryOver, LogHead } from "../projection.ts";

/** Last minute whose roll-ups may hold removed events: events are stored after they occur. */
function cutoff(head: LogHead): Date | undefined {
  if (!head.firstStoredAt) return undefined; // nothing retained: every minute is kept
  const ms = head.firstStoredAt.getTime();
  return new Date(ms - (ms % 60_000));
}

/**
 * Telemetry keeps what its stream's max age removed:
 * - `telemetry_minutes` rows up to and including the minute of the oldest retained event are
 *   taken from the live table as they are (they may count removed events); later minutes are
 *   recomputed from the log. A removed event that occurred after the oldest retained one was
 *   stored (a device clock running ahead) is lost from those later minutes.
 * - `telemetry_latest` values set by removed events (sequence below the log's first) are
 *   merged in with the fold's own rule (latest time, then sequence), so a newer retained
 *   reading still wins.
 */
export const telemetryCarryOver: CarryOver = {
  describe(head) {
    const until = cutoff(head);
    return until
      ? `roll-ups of minutes up to ${until.toISOString()} and latest values older than sequence ${head.firstSeq} kept from the live tables`
      : "every roll-up and latest value kept from the live tables (the stream holds no event)";
  },

  async apply(tx, { live, shadow }, head) {
    const until = cutoff(head);
    const keep = until ? sql`WHERE minute <= ${until}` : sql``;
    // The fold recomputed these minutes from the retained events only: replace them.
    await sql`DELETE FROM ${sql.table(`${shadow}.telemetry_minutes`)} ${keep}`.execute(tx);
    const minutes = await sql`
      INSERT INTO ${sql.table(`${shadow}.telemetry_minutes`)}
      SELECT * FROM ${sql.table(`${live}.telemetry_minutes`)} ${keep}`.execute(tx);
    const latest = await sql`
      INSERT INTO ${sql.table(`${shadow}.telemetry_latest`)} AS t
      SELECT * FROM ${sql.table(`${live}.telemetry_latest`)} WHERE seq < ${head.firstSeq}
      ON CONFLICT (device_id, metric) DO UPDATE SET
        value = excluded.value, at = excluded.at, seq = excluded.seq
      WHERE excluded.at > t.at OR (excluded.at = t.at AND excluded.seq > t.seq)`.execute(tx);
    return Number(minutes.numAffectedRows ?? 0n) + Number(latest.numAffectedRows ?? 0n);
  },
};
