import type { JetStreamClient, JetStreamManager, StreamInfo } from "@nats-io/jetstream";
import type { Database } from "@uaip/migrations";
import type { Db, Logger } from "@uaip/platform";
import type { LogHead, Projection } from "@uaip/projections";
import { sql, type Transaction } from "kysely";
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

/** A projection that needs the whole log was asked to fold a stream whose head is gone. */
export class LogIncompleteError extends Error {
  override readonly name = "LogIncompleteError";
  constructor(
    readonly projection: string,
    readonly stream: string,
    readonly firstSeq: number,
  ) {
    super(
      `${projection} needs the whole log, but ${stream} starts at sequence ${firstSeq}: its retention removed the events before`,
    );
  }
}

/**
 * Where the log starts when retention removed its oldest events (undefined when it holds
 * them all), refusing a projection that has no way to keep what is gone.
 */
export function logHeadFor(projection: Projection, info: StreamInfo): LogHead | undefined {
  const { first_seq, last_seq, first_ts } = info.state;
  if (first_seq <= 1) return undefined;
  if (!projection.carryOver)
    throw new LogIncompleteError(projection.name, info.config.name, first_seq);
  return last_seq >= first_seq
    ? { firstSeq: first_seq, firstStoredAt: new Date(first_ts) }
    : { firstSeq: first_seq };
}

/** Brings over what the log no longer holds (see Projection.carryOver); rows written. */
export async function carryOver(
  tx: Transaction<Database>,
  projection: Projection,
  schemas: { live: string; shadow: string },
  head: LogHead | undefined,
): Promise<{ rows: number; what: string } | undefined> {
  if (!head || !projection.carryOver) return undefined;
  const rows = await projection.carryOver.apply(tx, schemas, head);
  return { rows, what: projection.carryOver.describe(head) };
}

export { quote as quoteIdent };
