import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { MANIFEST_FILE } from "./backup-manifest.ts";
import { parseBackupName } from "./backup-name.ts";

export interface RetentionPolicy {
  /** Keep this many newest backups. */
  readonly keep?: number;
  /** Keep backups taken within this many days. */
  readonly keepDays?: number;
}

/**
 * Deletes older complete backups of `namespace` in `dir`: beyond the newest `keep`, or
 * taken more than `keepDays` ago (with both, either rule deletes). The newest backup is
 * always kept. Only folders named like a backup of this namespace and holding a manifest
 * are considered: nothing else in `dir` is ever touched. Returns the deleted paths.
 *
 * @example
 * await pruneBackups("/var/backups/uaip", "uaip", { keep: 7 });
 */
export async function pruneBackups(
  dir: string,
  namespace: string,
  policy: RetentionPolicy,
  now = new Date(),
): Promise<string[]> {
  if (policy.keep === undefined && policy.keepDays === undefined) return [];
  const backups: { path: string; at: Date }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const at = parseBackupName(entry.name, namespace);
    if (!at) continue;
    const path = join(dir, entry.name);
    if (!(await stat(join(path, MANIFEST_FILE)).catch(() => undefined))) continue;
    backups.push({ path, at });
  }
  backups.sort((a, b) => b.at.getTime() - a.at.getTime());
  const cutoff =
    policy.keepDays === undefined ? undefined : now.getTime() - policy.keepDays * 86_400_000;
  const doomed = backups.filter(
    (b, i) =>
      i > 0 &&
      ((policy.keep !== undefined && i >= policy.keep) ||
        (cutoff !== undefined && b.at.getTime() < cutoff)),
  );
  for (const b of doomed) await rm(b.path, { recursive: true, force: true });
  return doomed.map((b) => b.path);
}
