import { createReadStream } from "node:fs";
import { join } from "node:path";
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { StreamKind } from "@uaip/events";
import { migrateUp } from "@uaip/migrations";
import { projections as allProjections, type Projection } from "@uaip/projections";
import {
  ensureCheckpoint,
  rebuildProjection,
  type ShadowDeps,
  verifyProjection,
} from "@uaip/projector";
import { streamDefinitions } from "@uaip/streams";
import type { RestorePlan } from "./plan-restore.ts";
import { restoreStream } from "./restore-stream.ts";

/** What a restore writes to: the log, and the read models it rebuilds. */
export interface RestoreDeps extends ShadowDeps {
  readonly nc: NatsConnection;
}

export type RestoreProgress = (p: {
  phase: "stream" | "rebuild" | "verify";
  name: string;
  done: number;
  total: number;
}) => void;

export interface RestoredStreamReport {
  readonly name: string;
  readonly messages: number;
  readonly lastSeq: number;
  readonly expectedMessages: number;
  readonly expectedLastSeq: number;
  readonly bytes: number;
  readonly seconds: number;
}

export interface RebuiltProjectionReport {
  readonly name: string;
  readonly position: number;
  readonly events: number;
  readonly drift: number;
  readonly rebuildSeconds: number;
  readonly verifySeconds: number;
}

export interface RestoreReport {
  readonly streams: RestoredStreamReport[];
  /** Streams the backup did not hold, created empty from their definitions. */
  readonly created: string[];
  readonly projections: RebuiltProjectionReport[];
  /** True when every stream matches the manifest and no projection drifts. */
  readonly ok: boolean;
  readonly seconds: number;
}

/**
 * Carries out a checked plan (see planRestore): replaces each stream with its snapshot,
 * creates any stream the backup lacks, migrates the database, then rebuilds every
 * projection from the restored log (checkpoints reset first, so a rebuild never waits for
 * sequences the restored log does not have) and verifies each one.
 *
 * @example
 * const plan = await planRestore(deps, dir);
 * const report = await restoreBackup(deps, plan); // report.ok
 */
export async function restoreBackup(
  deps: RestoreDeps,
  plan: RestorePlan,
  opts: { projections?: readonly Projection[]; onProgress?: RestoreProgress } = {},
): Promise<RestoreReport> {
  const started = performance.now();
  const streams: RestoredStreamReport[] = [];
  for (const s of plan.manifest.streams) {
    const t0 = performance.now();
    await deleteIfExists(deps, s.name);
    const chunks = createReadStream(join(plan.dir, s.file.path), { highWaterMark: 128 * 1024 });
    const restored = await restoreStream(
      deps.nc,
      s.name,
      chunks,
      { config: s.config as never, state: s.state as never },
      {
        onChunk: (bytes) =>
          opts.onProgress?.({ phase: "stream", name: s.name, done: bytes, total: s.file.bytes }),
      },
    );
    streams.push({
      name: s.name,
      messages: restored.state.messages,
      lastSeq: restored.state.last_seq,
      expectedMessages: s.messages,
      expectedLastSeq: s.lastSeq,
      bytes: s.file.bytes,
      seconds: (performance.now() - t0) / 1000,
    });
  }
  const created = await createMissingStreams(
    deps,
    new Set(plan.manifest.streams.map((s) => s.kind)),
  );

  const migrated = await migrateUp(deps.db);
  if (migrated.error) throw migrated.error;
  const projections: RebuiltProjectionReport[] = [];
  for (const projection of opts.projections ?? allProjections) {
    await ensureCheckpoint(deps.db, projection.name);
    await deps.db
      .updateTable("projection_checkpoints")
      .set({ position: 0, updated_at: new Date() })
      .where("name", "=", projection.name)
      .execute();
    const rebuilt = await rebuildProjection(deps, projection, (p) =>
      opts.onProgress?.({
        phase: "rebuild",
        name: projection.name,
        done: p.position,
        total: p.target,
      }),
    );
    const t0 = performance.now();
    const verified = await verifyProjection(deps, projection, (position) =>
      opts.onProgress?.({
        phase: "verify",
        name: projection.name,
        done: position,
        total: rebuilt.position,
      }),
    );
    projections.push({
      name: projection.name,
      position: verified.position,
      events: rebuilt.events,
      drift: verified.drift,
      rebuildSeconds: rebuilt.seconds,
      verifySeconds: (performance.now() - t0) / 1000,
    });
  }
  const ok =
    streams.every((s) => s.messages === s.expectedMessages && s.lastSeq === s.expectedLastSeq) &&
    projections.every((p) => p.drift === 0);
  return { streams, created, projections, ok, seconds: (performance.now() - started) / 1000 };
}

async function deleteIfExists(deps: RestoreDeps, name: string): Promise<void> {
  try {
    await deps.jsm.streams.delete(name);
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound))
      throw err;
  }
}

async function createMissingStreams(
  deps: RestoreDeps,
  restored: ReadonlySet<StreamKind>,
): Promise<string[]> {
  const created: string[] = [];
  for (const [kind, def] of Object.entries(streamDefinitions(deps.namespace)) as [
    StreamKind,
    ReturnType<typeof streamDefinitions>[StreamKind],
  ][]) {
    if (restored.has(kind)) continue;
    try {
      await deps.jsm.streams.info(def.name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound))
        throw err;
      await deps.jsm.streams.add(def);
      created.push(def.name);
    }
  }
  return created;
}
