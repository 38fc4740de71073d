import { constants } from "node:fs";
import { access, readdir, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { MissingBinaryError } from "./errors.ts";

/** System folders that are often missing from a non-root PATH. */
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/**
 * The full path of an executable: `preferredDirs` first, then PATH, then the system sbin
 * folders, then `fallbackDirs`. Throws {@link MissingBinaryError} naming what to install.
 *
 * @example
 * const redis = await findBinary("redis-server", "Debian: apt-get install -y redis-server");
 */
export async function findBinary(
  name: string,
  installHint: string,
  dirs: { preferred?: readonly string[]; fallback?: readonly string[]; path?: string } = {},
): Promise<string> {
  const pathDirs = (dirs.path ?? process.env.PATH ?? "").split(delimiter).filter((d) => d !== "");
  const candidates = [
    ...(dirs.preferred ?? []),
    ...pathDirs,
    ...SYSTEM_DIRS,
    ...(dirs.fallback ?? []),
  ];
  for (const dir of new Set(candidates)) {
    const file = join(dir, name);
    if (await isExecutableFile(file)) return file;
  }
  throw new MissingBinaryError(name, installHint);
}

/** Debian's per-version PostgreSQL folders (`/usr/lib/postgresql/<major>/bin`), newest first. */
export async function postgresBinDirs(root = "/usr/lib/postgresql"): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^\d+(\.\d+)?$/.test(entry))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, "bin"));
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
