import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamInfo,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { StreamKinds, streamName } from "@uaip/events";
import { type Db, databaseSchema } from "@uaip/platform";
import {
  MANIFEST_FILE,
  type Manifest,
  type ManifestStream,
  sealManifest,
} from "./backup-manifest.ts";
import { backupName } from "./backup-name.ts";
import { fileSha256 } from "./file-sha256.ts";
import { dumpPostgres, pgDumpVersion } from "./pg-dump.ts";
import { snapshotStream } from "./snapshot-stream.ts";

/** What a backup reads: the log, and the checkpoints (and optionally the whole database). */
export interface BackupDeps {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly namespace: string;
}

export interface BackupOptions {
  /** Folder the timestamped backup folder is made in. */
  readonly out: string;
  /** Also `pg_dump` the read models' database (needs pg_dump on PATH). */
  readonly postgres?: { readonly databaseUrl: string };
  readonly now?: Date;
  /** Bytes written so far for the stream being snapshot, and its message count. */
  readonly onProgress?: (p: { stream: string; bytes: number; messages: number }) => void;
}

export interface BackupReport {
  /** The finished backup folder. */
  readonly dir: string;
  readonly manifest: Manifest;
  readonly seconds: number;
}

/**
 * Backs up the hub into `<out>/uaip-backup-<ns>-<stamp>/`: every stream through JetStream's
 * snapshot API (with its durable consumers' state), the projection checkpoints, optionally
 * a `pg_dump`, and a manifest with each stream's message count, first and last sequence and
 * each file's sha256. The database is read before the streams, so nothing in it is newer
 * than the log. The folder is written as `<name>.partial` and renamed once complete, so a
 * backup that died halfway never looks like a finished one.
 *
 * @example
 * const { dir, manifest } = await createBackup({ nc, jsm, db, namespace: "uaip" }, { out: "/var/backups/uaip" });
 */
export async function createBackup(deps: BackupDeps, opts: BackupOptions): Promise<BackupReport> {
  const started = performance.now();
  const createdAt = opts.now ?? new Date();
  if (opts.postgres && !(await pgDumpVersion()))
    throw new Error("--with-postgres: pg_dump is not on PATH");
  const dir = join(opts.out, backupName(deps.namespace, createdAt));
  const partial = `${dir}.partial`;
  await mkdir(join(partial, "streams"), { recursive: true });
  try {
    const checkpoints = await readCheckpoints(deps.db);
    let postgres: Manifest["postgres"];
    if (opts.postgres) {
      const path = "postgres.dump";
      await dumpPostgres(
        opts.postgres.databaseUrl,
        databaseSchema(deps.namespace),
        join(partial, path),
      );
      postgres = {
        path,
        ...(await fileSha256(join(partial, path))),
        tool: (await pgDumpVersion())!,
      };
    }
    const streams: ManifestStream[] = [];
    for (const kind of StreamKinds) {
      const name = streamName(deps.namespace, kind);
      const info = await streamInfo(deps.jsm, name);
      if (!info) continue; // a stream never created has nothing to back up
      const path = `streams/${name}.tar.s2`;
      const out = createWriteStream(join(partial, path));
      const snap = await snapshotStream(deps.nc, name, out, {
        onChunk: (bytes) =>
          opts.onProgress?.({ stream: name, bytes, messages: info.state.messages }),
      }).finally(() => out.end());
      await finished(out);
      const s = snap.state;
      streams.push({
        kind,
        name,
        file: { path, bytes: snap.bytes, sha256: snap.sha256 },
        messages: s.messages,
        firstSeq: s.first_seq,
        lastSeq: s.last_seq,
        ...(s.messages > 0 ? { firstTime: s.first_ts, lastTime: s.last_ts } : {}),
        consumers: s.consumer_count,
        config: snap.config as unknown as ManifestStream["config"],
        state: s as unknown as ManifestStream["state"],
      });
    }
    const manifest = {
      format: "uaip-backup" as const,
      version: 1 as const,
      namespace: deps.namespace,
      createdAt: createdAt.toISOString(),
      completedAt: new Date().toISOString(),
      natsServer: deps.nc.info?.version,
      streams,
      checkpoints,
      ...(postgres ? { postgres } : {}),
    };
    const text = sealManifest(manifest);
    await writeFile(join(partial, MANIFEST_FILE), text);
    await rename(partial, dir);
    return {
      dir,
      manifest: JSON.parse(text) as Manifest,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)
      return undefined;
    throw err;
  }
}

async function readCheckpoints(db: Db): Promise<Manifest["checkpoints"]> {
  try {
    const rows = await db
      .selectFrom("projection_checkpoints")
      .select(["name", "position"])
      .orderBy("name")
      .execute();
    return rows.map((r) => ({ name: r.name, position: Number(r.position) }));
  } catch (err) {
    // No read models yet (migrations never ran): nothing to record.
    if ((err as { code?: string }).code === "42P01") return [];
    throw err;
  }
}
