import { randomBytes } from "node:crypto";
import { streamName } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import { databaseSchema, packageTracer, withSpan } from "@uaip/platform";
import type { Projection } from "@uaip/projections";
import { sql, type Transaction } from "kysely";
import { readCheckpoint, readStreamId } from "./checkpoints.ts";
import {
  buildShadow,
  carryOver,
  createShadowSchema,
  dropShadowSchema,
  logHeadFor,
  quoteIdent,
  type ShadowDeps,
} from "./shadow.ts";
import { checkpointFault } from "./stream-identity.ts";

export interface TableDrift {
  readonly table: string;
  readonly liveRows: number;
  readonly expectedRows: number;
  /** Rows a fresh fold has that the live table lacks or holds differently. */
  readonly missing: number;
  /** Rows the live table has that a fresh fold does not. */
  readonly unexpected: number;
  /** A few differing rows from each side, for the report. */
  readonly samples: {
    readonly side: "missing" | "unexpected";
    readonly row: Record<string, unknown>;
  }[];
}

export interface VerifyReport {
  readonly projection: string;
  /** The checkpoint both sides were compared at. */
  readonly position: number;
  readonly tables: TableDrift[];
  readonly drift: number;
  /** Kept from the live tables, not recomputed, because the stream's retention removed it. */
  readonly carriedOver?: { readonly rows: number; readonly what: string };
  /** Why the live checkpoint cannot be compared at all (then nothing was compared). */
  readonly fault?: string;
}

/**
 * Folds the log from sequence 0 into a scratch schema, up to the live checkpoint, and
 * compares every table row by row with the live read model. A checkpoint that does not
 * belong to the stream is reported as a fault at once (nothing to compare); rows a
 * projection keeps past its stream's retention are carried over and left out of the
 * comparison. While comparing, the live
 * tables are locked in SHARE mode: readers go on, the projector waits (briefly). One span
 * (`verify devices`) with the position, the drift and the tables compared.
 */
export function verifyProjection(
  deps: ShadowDeps,
  projection: Projection,
  onBatch?: (position: number, applied: number) => void,
): Promise<VerifyReport> {
  return withSpan(
    packageTracer("@uaip/projector"),
    `verify ${projection.name}`,
    { attributes: { "uaip.projection": projection.name } },
    async (span) => {
      const report = await verify(deps, projection, onBatch);
      span.setAttributes({
        "uaip.verify.position": report.position,
        "uaip.verify.drift": report.drift,
        "uaip.verify.tables": report.tables.length,
        ...(report.fault ? { "uaip.verify.fault": report.fault } : {}),
      });
      return report;
    },
  );
}

async function verify(
  deps: ShadowDeps,
  projection: Projection,
  onBatch?: (position: number, applied: number) => void,
): Promise<VerifyReport> {
  const live = databaseSchema(deps.namespace);
  const info = await deps.jsm.streams.info(streamName(deps.namespace, projection.stream));
  const checkpoint = await readCheckpoint(deps.db, projection.name);
  const fault = checkpointFault(
    projection.name,
    { position: checkpoint, streamId: await readStreamId(deps.db, projection.name) },
    info,
  );
  if (fault)
    return {
      projection: projection.name,
      position: checkpoint,
      tables: [],
      drift: 0,
      fault: fault.message,
    };
  const head = logHeadFor(projection, info);
  const schema = `${live}_v_${projection.name}_${randomBytes(3).toString("hex")}`;
  await createShadowSchema(deps.db, projection, schema, live);
  try {
    // Most of the fold happens unlocked; the locked part only catches up the last batches.
    await buildShadow(deps, projection, schema, checkpoint, onBatch);
    return await deps.db.transaction().execute(async (tx) => {
      for (const table of projection.tables) {
        await sql
          .raw(`LOCK TABLE ${quoteIdent(live)}.${quoteIdent(table)} IN SHARE MODE`)
          .execute(tx);
      }
      const position = await readCheckpoint(tx, projection.name);
      await buildShadow(deps, projection, schema, position, onBatch);
      const carried = await carryOver(tx, projection, { live, shadow: schema }, head);
      const tables: TableDrift[] = [];
      for (const table of projection.tables)
        tables.push(await compareTable(tx, live, schema, table));
      return {
        projection: projection.name,
        position,
        tables,
        drift: tables.reduce((n, t) => n + t.missing + t.unexpected, 0),
        ...(carried ? { carriedOver: carried } : {}),
      };
    });
  } finally {
    await dropShadowSchema(deps.db, schema);
  }
}

/**
 * Row-by-row difference of two tables with the same columns. Floating-point columns are
 * compared as float4: sums folded in different batch boundaries round differently in
 * their last bits, which is not drift.
 */
async function compareTable(
  tx: Transaction<Database>,
  liveSchema: string,
  schema: string,
  table: string,
): Promise<TableDrift> {
  const columns = await sql<{ column_name: string; data_type: string }>`
    SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = ${liveSchema} AND table_name = ${table} ORDER BY ordinal_position`.execute(
    tx,
  );
  const list = columns.rows
    .map((c) =>
      c.data_type === "double precision"
        ? `${quoteIdent(c.column_name)}::real AS ${quoteIdent(c.column_name)}`
        : quoteIdent(c.column_name),
    )
    .join(", ");
  const live = `SELECT ${list} FROM ${quoteIdent(liveSchema)}.${quoteIdent(table)}`;
  const expected = `SELECT ${list} FROM ${quoteIdent(schema)}.${quoteIdent(table)}`;
  const diff = async (a: string, b: string) => {
    const count = await sql
      .raw<{ n: number }>(`SELECT count(*)::int AS n FROM (${a} EXCEPT ALL ${b}) d`)
      .execute(tx);
    const sample = await sql
      .raw<Record<string, unknown>>(`${a} EXCEPT ALL ${b} LIMIT 3`)
      .execute(tx);
    return { n: count.rows[0]?.n ?? 0, sample: sample.rows };
  };
  const missing = await diff(expected, live);
  const unexpected = await diff(live, expected);
  const counts = await sql
    .raw<{ live: number; expected: number }>(
      `SELECT (SELECT count(*)::int FROM ${quoteIdent(liveSchema)}.${quoteIdent(table)}) AS live, (SELECT count(*)::int FROM ${quoteIdent(schema)}.${quoteIdent(table)}) AS expected`,
    )
    .execute(tx);
  return {
    table,
    liveRows: counts.rows[0]?.live ?? 0,
    expectedRows: counts.rows[0]?.expected ?? 0,
    missing: missing.n,
    unexpected: unexpected.n,
    samples: [
      ...missing.sample.map((row) => ({ side: "missing" as const, row })),
      ...unexpected.sample.map((row) => ({ side: "unexpected" as const, row })),
    ],
  };
}
