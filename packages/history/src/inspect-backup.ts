import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeIssues, fieldIssues, streamName } from "@uaip/events";
import * as v from "valibot";
import {
  type BackupFile,
  MANIFEST_FILE,
  type Manifest,
  ManifestSchema,
  manifestChecksum,
} from "./backup-manifest.ts";
import { fileSha256 } from "./file-sha256.ts";

export interface BackupInspection {
  readonly dir: string;
  /** The manifest, when it parses and its checksum holds. */
  readonly manifest?: Manifest;
  /** Every reason not to restore this backup; empty when it is whole. */
  readonly problems: string[];
}

/**
 * Checks a backup folder without touching anything else: the manifest parses, matches its
 * schema and its own checksum, and every file it names is there with the size and sha256
 * it records. Reads every byte of every file, once.
 *
 * @example
 * const { manifest, problems } = await inspectBackup(dir);
 * if (problems.length > 0) throw new RestoreRefusedError(problems);
 */
export async function inspectBackup(dir: string): Promise<BackupInspection> {
  const where = await stat(dir).catch(() => undefined);
  if (!where?.isDirectory()) return { dir, problems: [`${dir} is not a backup folder`] };
  let raw: string;
  try {
    raw = await readFile(join(dir, MANIFEST_FILE), "utf8");
  } catch {
    return { dir, problems: [`${MANIFEST_FILE} is missing`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { dir, problems: [`${MANIFEST_FILE} is not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = v.safeParse(ManifestSchema, json);
  if (!parsed.success) {
    return { dir, problems: [`${MANIFEST_FILE}: ${describeIssues(fieldIssues(parsed.issues))}`] };
  }
  const manifest = parsed.output;
  const problems: string[] = [];
  if (manifestChecksum(json as Record<string, unknown>) !== manifest.checksum)
    problems.push(`${MANIFEST_FILE} was altered: its checksum does not match its content`);
  for (const s of manifest.streams) {
    if (s.name !== streamName(manifest.namespace, s.kind) || s.config.name !== s.name)
      problems.push(
        `${MANIFEST_FILE}: stream ${s.name} does not belong to namespace ${manifest.namespace}`,
      );
  }
  const files: BackupFile[] = [
    ...manifest.streams.map((s) => s.file),
    ...(manifest.postgres ? [manifest.postgres] : []),
  ];
  for (const f of files) {
    const problem = await checkFile(dir, f);
    if (problem) problems.push(problem);
  }
  return { dir, manifest, problems };
}

async function checkFile(dir: string, f: BackupFile): Promise<string | undefined> {
  const path = join(dir, f.path);
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return `${f.path} is missing`;
  if (st.size !== f.bytes)
    return `${f.path} is ${st.size} bytes, the manifest says ${f.bytes} (truncated or altered)`;
  const { sha256 } = await fileSha256(path);
  if (sha256 !== f.sha256) return `${f.path} is corrupt: its sha256 does not match the manifest`;
  return undefined;
}
