import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Db, Logger } from "@uaip/platform";
import type { Projection } from "@uaip/projections";
import { sql } from "kysely";
import { postgresTarget } from "./postgres-target.ts";
import { Projector } from "./projector.ts";

/** What building a projection away from the live tables needs. */
export interface ShadowDeps {
  readonly db: Db;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  readonly logger: Logger;
  readonly batchSize: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A schema holding empty copies of the projection's tables, plus its own checkpoint and
 * rejected-events tables, so the unchanged writer can fold the log into it.
 */
export async function createShadowSchema(
  db: Db,
  projection: Projection,
  schema: string,
  live: string,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql.raw(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`).execute(tx);
    await sql.raw(`CREATE SCHEMA ${quote(schema)}`).execute(tx);
    for (const table of [...projection.tables, "projection_checkpoints", "rejected_events"]) {
      await sql
        .raw(
          `CREATE TABLE ${quote(schema)}.${quote(table)} (LIKE ${quote(live)}.${quote(table)} INCLUDING ALL)`,
        )
        .execute(tx);
    }
  });
}

export async function dropShadowSchema(db: Db, schema: string): Promise<void> {
  await sql.raw(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`).execute(db);
}

/** Folds the log into the shadow schema until its checkpoint reaches `stopAt`. */
export async function buildShadow(
  deps: ShadowDeps,
  projection: Projection,
  schema: string,
  stopAt: number,
  onBatch?: (position: number, applied: number) => void,
): Promise<number> {
  const projector = Projector.start({
    target: postgresTarget(deps.db, projection, { schema }),
    namespace: deps.namespace,
    js: deps.js,
    jsm: deps.jsm,
    logger: deps.logger,
    batchSize: deps.batchSize,
    batchWaitMs: 50,
    mode: "shadow",
    stopAt,
    ...(onBatch ? { onBatch } : {}),
  });
  await projector.done();
  return projector.position;
}

/** The stream's last sequence right now: how far a shadow build must go to catch up. */
export async function streamLastSeq(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.last_seq;
}

export { quote as quoteIdent };
