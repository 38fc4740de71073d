import { type Kysely, type Migration, type MigrationResult, Migrator, sql } from "kysely";
import * as devices from "./migrations/0001-devices.ts";
import * as statusHistory from "./migrations/0002-device-status-history.ts";
import * as commands from "./migrations/0003-commands.ts";
import * as telemetry from "./migrations/0004-telemetry.ts";
import * as fleetStats from "./migrations/0005-fleet-stats.ts";
import * as checkpoints from "./migrations/0006-projection-checkpoints.ts";
import * as rejectedEvents from "./migrations/0007-rejected-events.ts";
import * as apiKeys from "./migrations/0008-api-keys.ts";
import * as checkpointStream from "./migrations/0009-checkpoint-stream.ts";

// Listed, not globbed from disk, so the set is fixed at build time and typed.
const migrations: Record<string, Migration> = {
  "0001-devices": devices,
  "0002-device-status-history": statusHistory,
  "0003-commands": commands,
  "0004-telemetry": telemetry,
  "0005-fleet-stats": fleetStats,
  "0006-projection-checkpoints": checkpoints,
  "0007-rejected-events": rejectedEvents,
  "0008-api-keys": apiKeys,
  "0009-checkpoint-stream": checkpointStream,
};

// Migrations run against whatever schema the database has, before the typed one exists.
// biome-ignore lint/suspicious/noExplicitAny: any Kysely instance, whatever its typed schema
type AnyDb = Kysely<any>;

/**
 * The schema the connection resolves table names to: the first entry of its `search_path`
 * (the namespace's schema for a hub's connections, see createDatabase). The migrations
 * create their tables unqualified, so they land there; the migrator keeps its own
 * bookkeeping tables there too, creating the schema on first use.
 */
async function migrator(db: AnyDb): Promise<Migrator> {
  const { rows } = await sql<{ search_path: string }>`SHOW search_path`.execute(db);
  const first = (rows[0]?.search_path ?? "public").split(",")[0]!.trim().replace(/^"|"$/g, "");
  const schema = first === "$user" || first === "" ? "public" : first;
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: schema,
  });
}

export interface MigrationReport {
  /** Names of the migrations this call applied (or reverted), in order. */
  readonly changed: string[];
  readonly error?: Error;
}

function report(outcome: { error?: unknown; results?: MigrationResult[] }): MigrationReport {
  const changed = (outcome.results ?? [])
    .filter((r) => r.status === "Success")
    .map((r) => r.migrationName);
  const failed = (outcome.results ?? []).find((r) => r.status === "Error");
  if (outcome.error === undefined) return { changed };
  const cause = outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error));
  const error = failed
    ? new Error(`migration ${failed.migrationName} failed: ${cause.message}`, { cause })
    : cause;
  return { changed, error };
}

/** Applies every pending migration; safe to run from several processes at once. */
export async function migrateUp(db: AnyDb): Promise<MigrationReport> {
  return report(await (await migrator(db)).migrateToLatest());
}

/** Reverts the last `steps` applied migrations. */
export async function migrateDown(db: AnyDb, steps = 1): Promise<MigrationReport> {
  const m = await migrator(db);
  const changed: string[] = [];
  for (let i = 0; i < steps; i++) {
    const r = report(await m.migrateDown());
    changed.push(...r.changed);
    if (r.error) return { changed, error: r.error };
    if (r.changed.length === 0) break;
  }
  return { changed };
}

export interface MigrationState {
  readonly name: string;
  readonly executedAt?: Date;
}

export async function migrationStatus(db: AnyDb): Promise<MigrationState[]> {
  const infos = await (await migrator(db)).getMigrations();
  return infos.map((i) =>
    i.executedAt ? { name: i.name, executedAt: i.executedAt } : { name: i.name },
  );
}
