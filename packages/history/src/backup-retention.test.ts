import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupName, parseBackupName } from "./backup-name.ts";
import { pruneBackups } from "./backup-retention.ts";

let dir: string;
const now = new Date("2026-11-21T12:00:00.000Z");
const day = 86_400_000;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-retention-"));
  for (let i = 0; i < 5; i++) {
    const path = join(dir, backupName("uaip", new Date(now.getTime() - i * day)));
    await mkdir(path);
    await writeFile(join(path, "manifest.json"), "{}");
  }
  await mkdir(join(dir, backupName("other", new Date(now.getTime() - 9 * day))));
  await writeFile(
    join(dir, backupName("other", new Date(0)), "manifest.json").replace(
      /\/manifest.json$/,
      ".txt",
    ),
    "",
  );
  await mkdir(join(dir, `${backupName("uaip", new Date(now.getTime() - 9 * day))}.partial`));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("backup retention", () => {
  it("backup retention - names sort by time and parse back", () => {
    const name = backupName("uaip", now);
    expect(name).toBe("uaip-backup-uaip-20261121T120000000Z");
    expect(parseBackupName(name, "uaip")).toEqual(now);
    expect(parseBackupName(name, "other")).toBeUndefined();
  });

  it("backup retention - --keep deletes all but the newest n of this namespace, nothing else", async () => {
    const deleted = await pruneBackups(dir, "uaip", { keep: 2 }, now);
    expect(deleted).toHaveLength(3);
    const left = await readdir(dir);
    expect(left.filter((n) => parseBackupName(n, "uaip"))).toEqual([
      backupName("uaip", new Date(now.getTime() - day)),
      backupName("uaip", now),
    ]);
    expect(left).toHaveLength(5); // the other namespace, a stray file and a .partial stay
  });

  it("backup retention - --keep-days deletes older ones but never the newest", async () => {
    expect(await pruneBackups(dir, "uaip", { keepDays: 2.5 }, now)).toHaveLength(2);
    const later = new Date(now.getTime() + 30 * day);
    expect(await pruneBackups(dir, "uaip", { keepDays: 1 }, later)).toHaveLength(2);
    expect((await readdir(dir)).filter((n) => parseBackupName(n, "uaip"))).toEqual([
      backupName("uaip", now),
    ]);
  });
});
