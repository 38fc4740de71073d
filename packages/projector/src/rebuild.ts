import { streamName } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import { databaseSchema, packageTracer, withSpan } from "@uaip/platform";
import type { Projection } from "@uaip/projections";
import { sql, type Transaction } from "kysely";
import { readCheckpoint } from "./checkpoints.ts";
import {
  buildShadow,
  carryOver,
  createShadowSchema,
  dropShadowSchema,
  logHeadFor,
  quoteIdent,
  type ShadowDeps,
  streamLastSeq,
} from "./shadow.ts";
import { streamIdentity } from "./stream-identity.ts";

export interface RebuildReport {
  readonly projection: string;
  /** The checkpoint the rebuilt tables went live at. */
  readonly position: number;
  /** Events folded from the log. */
  readonly events: number;
  readonly seconds: number;
  /** How long readers and the live projector were held back by the swap. */
  readonly swapMs: number;
  /** What was kept from the live tables because the stream's retention removed it. */
  readonly carriedOver?: { readonly rows: number; readonly what: string };
}

export type RebuildProgress = (p: {
  phase: "build" | "swap";
  position: number;
  target: number;
}) => void;

/**
 * Rebuilds a projection from sequence 0 with no downtime for readers: folds the log into
 * shadow tables while the live ones keep serving, then, holding the live tables' locks for
 * the last few batches, catches up and swaps the shadow tables in atomically. Readers see
 * the old tables or the new ones, never an empty or partial table. The live projector
 * finds the checkpoint moved and carries on from the new one. One span (`rebuild devices`)
 * with the events folded, the position and the swap's duration.
 */
export function rebuildProjection(
  deps: ShadowDeps,
  projection: Projection,
  onProgress?: RebuildProgress,
): Promise<RebuildReport> {
  return withSpan(
    packageTracer("@uaip/projector"),
    `rebuild ${projection.name}`,
    { attributes: { "uaip.projection": projection.name } },
    async (span) => {
      const report = await rebuild(deps, projection, onProgress);
      span.setAttributes({
        "uaip.rebuild.events": report.events,
        "uaip.rebuild.position": report.position,
        "uaip.rebuild.swap_ms": report.swapMs,
        "uaip.rebuild.carried_over_rows": report.carriedOver?.rows ?? 0,
      });
      return report;
    },
  );
}

async function rebuild(
  deps: ShadowDeps,
  projection: Projection,
  onProgress?: RebuildProgress,
): Promise<RebuildReport> {
  const started = performance.now();
  const live = databaseSchema(deps.namespace);
  const schema = `${live}_rebuild_${projection.name}`;
  const stream = streamName(deps.namespace, projection.stream);
  let events = 0;
  let carried: RebuildReport["carriedOver"];
  const info = await deps.jsm.streams.info(stream);
  const head = logHeadFor(projection, info);
  await createShadowSchema(deps.db, projection, schema, live);
  try {
    const target = info.state.last_seq;
    await buildShadow(deps, projection, schema, target, (position, applied) => {
      events += applied;
      onProgress?.({ phase: "build", position, target });
    });

    const swapStarted = performance.now();
    const position = await deps.db.transaction().execute(async (tx) => {
      // Same order as a projector's transaction (tables, then checkpoint), so no deadlock.
      for (const table of projection.tables) {
        await sql
          .raw(`LOCK TABLE ${quoteIdent(live)}.${quoteIdent(table)} IN ACCESS EXCLUSIVE MODE`)
          .execute(tx);
      }
      // Catch up with the live projector, but never past the stream's end: a checkpoint
      // from another stream instance may be ahead of it.
      const liveAt = await readCheckpoint(tx, projection.name);
      const until = Math.min(Math.max(liveAt, target), await streamLastSeq(deps.jsm, stream));
      const shadowAt = await buildShadow(deps, projection, schema, until, (position, applied) => {
        events += applied;
        onProgress?.({ phase: "swap", position, target: until });
      });
      carried = await carryOver(tx, projection, { live, shadow: schema }, head);
      const indexNames = await liveIndexNames(tx, live, schema, projection.tables);
      for (const table of projection.tables) {
        await sql.raw(`DROP TABLE ${quoteIdent(live)}.${quoteIdent(table)}`).execute(tx);
        await sql
          .raw(
            `ALTER TABLE ${quoteIdent(schema)}.${quoteIdent(table)} SET SCHEMA ${quoteIdent(live)}`,
          )
          .execute(tx);
      }
      await restoreIndexNames(tx, live, schema, indexNames);
      await tx
        .updateTable("projection_checkpoints")
        .set({ position: shadowAt, updated_at: new Date(), stream_id: streamIdentity(info) })
        .where("name", "=", projection.name)
        .execute();
      return shadowAt;
    });
    const swapMs = performance.now() - swapStarted;
    // Fresh tables have no statistics yet; without them the planner picks poor plans.
    for (const table of projection.tables)
      await sql.raw(`ANALYZE ${quoteIdent(live)}.${quoteIdent(table)}`).execute(deps.db);
    return {
      projection: projection.name,
      position,
      events,
      seconds: (performance.now() - started) / 1000,
      swapMs,
      ...(carried ? { carriedOver: carried } : {}),
    };
  } finally {
    await dropShadowSchema(deps.db, schema);
  }
}

interface IndexName {
  readonly table: string;
  readonly name: string;
  /** The index definition with its name and schema taken out, to match the copy by. */
  readonly shape: string;
}

function shapeOf(def: string, name: string, schemas: readonly string[]): string {
  let shape = def.replace(` INDEX ${name} ON `, " INDEX _ ON ");
  for (const s of schemas)
    shape = shape.replace(` ON ${quoteIdent(s)}.`, " ON ").replace(` ON ${s}.`, " ON ");
  return shape;
}

/** Index names as the migrations made them (LIKE … INCLUDING ALL names the copies anew). */
async function liveIndexNames(
  tx: Transaction<Database>,
  live: string,
  shadow: string,
  tables: readonly string[],
): Promise<IndexName[]> {
  const rows = await sql<{ tablename: string; indexname: string; indexdef: string }>`
    SELECT tablename, indexname, indexdef FROM pg_indexes
     WHERE schemaname = ${live} AND tablename = any(${sql.val(tables)}::text[])`.execute(tx);
  return rows.rows.map((r) => ({
    table: r.tablename,
    name: r.indexname,
    shape: shapeOf(r.indexdef, r.indexname, [live, shadow]),
  }));
}

async function restoreIndexNames(
  tx: Transaction<Database>,
  live: string,
  shadow: string,
  wanted: readonly IndexName[],
): Promise<void> {
  const tables = [...new Set(wanted.map((w) => w.table))];
  const current = await liveIndexNames(tx, live, shadow, tables);
  for (const w of wanted) {
    const match = current.find((c) => c.table === w.table && c.shape === w.shape);
    if (match && match.name !== w.name) {
      await sql
        .raw(
          `ALTER INDEX ${quoteIdent(live)}.${quoteIdent(match.name)} RENAME TO ${quoteIdent(w.name)}`,
        )
        .execute(tx);
    }
  }
}
