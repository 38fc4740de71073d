import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import type { Db } from "@uaip/platform";
import type { Manifest } from "./backup-manifest.ts";
import { RestoreRefusedError } from "./errors.ts";
import { inspectBackup } from "./inspect-backup.ts";

export interface RestorePlanStream {
  readonly kind: string;
  readonly name: string;
  readonly file: string;
  readonly messages: number;
  readonly lastSeq: number;
  /** Messages in the stream of that name on the server now; undefined when there is none. */
  readonly existing?: number;
}

/** What a restore will do, for the operator to confirm. */
export interface RestorePlan {
  readonly dir: string;
  readonly manifest: Manifest;
  readonly streams: RestorePlanStream[];
  /** Projection workers holding a lease right now (the hub is running). */
  readonly runningProjectors: string[];
  /** Streams that exist and would be replaced (only with `force`). */
  readonly replaces: string[];
}

/**
 * Checks a backup and the server before anything is touched: every file whole (see
 * inspectBackup), the backup of this hub's namespace, and, unless `force`, no stream of the
 * same name on the server and no projector running. Any problem → RestoreRefusedError with
 * every reason found.
 */
export async function planRestore(
  deps: { jsm: JetStreamManager; db: Db; namespace: string },
  dir: string,
  opts: { force?: boolean } = {},
): Promise<RestorePlan> {
  const inspection = await inspectBackup(dir);
  if (!inspection.manifest || inspection.problems.length > 0)
    throw new RestoreRefusedError(inspection.problems);
  const manifest = inspection.manifest;
  const reasons: string[] = [];
  if (manifest.namespace !== deps.namespace) {
    reasons.push(
      `the backup is of namespace "${manifest.namespace}" and this hub's is "${deps.namespace}" (set UAIP_NAMESPACE=${manifest.namespace})`,
    );
  }
  const streams: RestorePlanStream[] = [];
  for (const s of manifest.streams) {
    const existing = await messagesIn(deps.jsm, s.name);
    streams.push({
      kind: s.kind,
      name: s.name,
      file: s.file.path,
      messages: s.messages,
      lastSeq: s.lastSeq,
      ...(existing !== undefined ? { existing } : {}),
    });
  }
  const replaces = streams.filter((s) => s.existing !== undefined).map((s) => s.name);
  const runningProjectors = await leaseHolders(deps.db);
  if (!opts.force) {
    for (const s of streams.filter((x) => x.existing !== undefined)) {
      reasons.push(
        `stream ${s.name} exists with ${s.existing} messages (--force deletes and replaces it)`,
      );
    }
    if (runningProjectors.length > 0) {
      reasons.push(
        `projectors are running (${runningProjectors.join(", ")}): stop the hub first (or --force)`,
      );
    }
  }
  if (reasons.length > 0) throw new RestoreRefusedError(reasons);
  return { dir, manifest, streams, runningProjectors, replaces };
}

async function messagesIn(jsm: JetStreamManager, name: string): Promise<number | undefined> {
  try {
    return (await jsm.streams.info(name)).state.messages;
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)
      return undefined;
    throw err;
  }
}

async function leaseHolders(db: Db): Promise<string[]> {
  try {
    const rows = await db
      .selectFrom("projection_checkpoints")
      .select(["name", "owner"])
      .where("owner", "is not", null)
      .where("lease_until", ">", new Date())
      .execute();
    return rows.map((r) => `${r.name} by ${r.owner}`);
  } catch (err) {
    if ((err as { code?: string }).code === "42P01") return []; // no read models yet
    throw err;
  }
}
