import type { Db, Lease } from "@uaip/platform";
import { sql } from "kysely";

/** How a projector worker leases its projection (see pgLease). */
export interface LeaseOptions {
  readonly db: Db;
  /** Unique per worker process, e.g. `host:pid:random`. */
  readonly owner: string;
  readonly ttlMs: number;
}

/**
 * The platform's Lease on PostgreSQL: one worker at a time per projection, as a row in
 * `projection_checkpoints` (owner + expiry) beside the checkpoint it protects. Correctness
 * does not rest on it: the checkpoint compare-and-set makes a second writer's batch roll
 * back. The lease only keeps two workers from wasting work and keeps per-device order by
 * giving one worker the whole stream.
 *
 * @example
 * const lease = pgLease(db, "devices", `${hostname()}:${process.pid}`, 10_000);
 * if (await lease.acquire()) work();
 */
export function pgLease(db: Db, name: string, owner: string, ttlMs: number): Lease {
  return {
    name,
    async acquire() {
      await db
        .insertInto("projection_checkpoints")
        .values({ name, position: 0, updated_at: new Date() })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
      const result = await sql`
        UPDATE projection_checkpoints
           SET owner = ${owner}, lease_until = now() + make_interval(secs => ${ttlMs / 1000})
         WHERE name = ${name} AND (owner IS NULL OR owner = ${owner} OR lease_until < now())`.execute(
        db,
      );
      return result.numAffectedRows === 1n;
    },
    async release() {
      await db
        .updateTable("projection_checkpoints")
        .set({ owner: null, lease_until: null })
        .where("name", "=", name)
        .where("owner", "=", owner)
        .execute();
    },
  };
}
