import { mkdir } from "node:fs/promises";
import { createBackup, pruneBackups } from "@uaip/history";
import { Command } from "commander";
import { withConnections } from "../connections.ts";
import { cliContext, run, UsageError } from "../context.ts";
import { formatBytes, table } from "../output.ts";

interface BackupFlags {
  out: string;
  keep?: string;
  keepDays?: string;
  withPostgres?: boolean;
  json?: boolean;
}

function positive(value: string | undefined, flag: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(
      `${flag}: must be ${integer ? "a whole number ≥ 1" : "a number of days > 0"} (got "${value}")`,
    );
  return n;
}

/**
 * `uaip backup`: snapshot every stream (JetStream's snapshot API, with consumer state) and
 * record projection checkpoints into a timestamped folder with a checksummed manifest;
 * optionally `pg_dump` too; then apply retention.
 */
export function backupCommand(): Command {
  return new Command("backup")
    .description(
      "Back up the event log (every stream, with its consumers) and the projection checkpoints into a timestamped folder with a manifest",
    )
    .option("--out <dir>", "folder the backup folder is made in", "backups")
    .option("--keep <n>", "afterwards, delete all but the newest n backups of this namespace")
    .option("--keep-days <d>", "afterwards, delete backups of this namespace older than d days")
    .option("--with-postgres", "also pg_dump the read models' database (needs pg_dump on PATH)")
    .option("--json", "print the manifest as JSON")
    .addHelpText(
      "after",
      `
The folder is named uaip-backup-<namespace>-<UTC time> and holds manifest.json (streams,
message counts, first/last sequences, sha256 of every file, checkpoints) and
streams/<STREAM>.tar.s2. It is written as <name>.partial and renamed when complete.
PostgreSQL holds only derived data: \`uaip restore\` rebuilds it from the log, so
--with-postgres is optional. Retention only ever deletes complete backups of this
namespace, and never the newest.

Example:
  uaip backup --out /var/backups/uaip --keep 7`,
    )
    .action((flags: BackupFlags) =>
      run(async () => {
        const keep = positive(flags.keep, "--keep", true);
        const keepDays = positive(flags.keepDays, "--keep-days", false);
        const ctx = cliContext();
        await mkdir(flags.out, { recursive: true });
        const report = await withConnections(ctx, (c) =>
          createBackup(
            { nc: c.nc, jsm: c.jsm, db: c.db, namespace: ctx.config.namespace },
            {
              out: flags.out,
              ...(flags.withPostgres ? { postgres: { databaseUrl: ctx.config.databaseUrl } } : {}),
            },
          ),
        );
        const deleted = await pruneBackups(flags.out, ctx.config.namespace, {
          ...(keep !== undefined ? { keep } : {}),
          ...(keepDays !== undefined ? { keepDays } : {}),
        });
        if (flags.json) {
          console.log(
            JSON.stringify({ dir: report.dir, manifest: report.manifest, deleted }, null, 2),
          );
          return 0;
        }
        const m = report.manifest;
        console.log(`backup ${report.dir} (${report.seconds.toFixed(1)} s)`);
        console.log(
          table(
            ["stream", "messages", "first seq", "last seq", "consumers", "size", "sha256"],
            m.streams.map((s) => [
              s.name,
              s.messages,
              s.firstSeq,
              s.lastSeq,
              s.consumers,
              formatBytes(s.file.bytes),
              s.file.sha256.slice(0, 16),
            ]),
          ),
        );
        if (m.checkpoints.length > 0)
          console.log(
            `checkpoints: ${m.checkpoints.map((cp) => `${cp.name} ${cp.position}`).join(", ")}`,
          );
        if (m.postgres)
          console.log(
            `postgres: ${m.postgres.path} (${formatBytes(m.postgres.bytes)}, ${m.postgres.tool})`,
          );
        for (const path of deleted) console.log(`deleted  ${path} (retention)`);
        return 0;
      }),
    );
}
