import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Whether `pg_dump` can be run from PATH, and its version line. */
export async function pgDumpVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await run("pg_dump", ["--version"]);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * Dumps one namespace's schema of the read models' database with `pg_dump` in its custom
 * format (restore it with `pg_restore`). Optional in a backup: PostgreSQL holds only what
 * the log can rebuild.
 */
export async function dumpPostgres(
  databaseUrl: string,
  schema: string,
  file: string,
): Promise<void> {
  await run(
    "pg_dump",
    [
      "--format=custom",
      "--no-owner",
      `--schema=${schema}`,
      `--file=${file}`,
      `--dbname=${databaseUrl}`,
    ],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}
