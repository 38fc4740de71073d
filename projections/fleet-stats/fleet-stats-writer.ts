import type { Database } from "@uaip/migrations";
import { sql, type Transaction } from "kysely";
import type { DeviceRow } from "../devices/device-row.ts";
import { fleetStatsDelta } from "./fleet-stats-fold.ts";

/**
 * Moves the `fleet_stats` counts for a batch of the devices projection, in its transaction:
 * one upsert of every count the batch moves, then the counts back at zero dropped (so the
 * table is the same whatever the batch boundaries). A read model of its own folder, run
 * inside the devices projection's transaction rather than under a checkpoint of its own:
 * its fold needs each device's previous status and type, which the devices writer holds
 * already, and its counts then always agree with the `devices` rows at the same checkpoint.
 */
export async function adjustFleetStats(
  tx: Transaction<Database>,
  changed: readonly DeviceRow[],
  before: ReadonlyMap<string, DeviceRow>,
): Promise<void> {
  const entries = fleetStatsDelta(changed, before);
  if (entries.length === 0) return;
  const counts = await sql<{ count: number }>`
    INSERT INTO fleet_stats AS f (dimension, key, count)
    SELECT dimension, key, delta FROM jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
      AS x(dimension text, key text, delta bigint)
    ON CONFLICT (dimension, key) DO UPDATE SET count = f.count + excluded.count
    RETURNING count`.execute(tx);
  if (counts.rows.some((r) => Number(r.count) === 0)) {
    await sql`DELETE FROM fleet_stats WHERE count = 0`.execute(tx);
  }
}
