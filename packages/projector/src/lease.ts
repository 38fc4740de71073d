import type { Db } from "@uaip/platform";
import { sql } from "kysely";

/**
 * One worker at a time per projection. The lease is a row in `projection_checkpoints`
 * (owner + expiry). Correctness does not rest on it: the checkpoint compare-and-set makes
 * a second writer's batch roll back. The lease only keeps two workers from wasting work
 * and keeps per-device order by giving one worker the whole stream.
 */
export interface LeaseOptions {
  readonly db: Db;
  /** Unique per worker process, e.g. `host:pid:random`. */
  readonly owner: string;
  readonly ttlMs: number;
}

/** Takes or renews the lease; true when this owner holds it afterwards. */
export async function acquireLease(opts: LeaseOptions, name: string): Promise<boolean> {
  await opts.db
    .insertInto("projection_checkpoints")
    .values({ name, position: 0, updated_at: new Date() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const result = await sql`
    UPDATE projection_checkpoints
       SET owner = ${opts.owner}, lease_until = now() + make_interval(secs => ${opts.ttlMs / 1000})
     WHERE name = ${name} AND (owner IS NULL OR owner = ${opts.owner} OR lease_until < now())`.execute(
    opts.db,
  );
  return result.numAffectedRows === 1n;
}

/** Gives the lease up (on a clean stop) so a standby takes over at once. */
export async function releaseLease(opts: LeaseOptions, name: string): Promise<void> {
  await opts.db
    .updateTable("projection_checkpoints")
    .set({ owner: null, lease_until: null })
    .where("name", "=", name)
    .where("owner", "=", opts.owner)
    .execute();
}
