import { createHash } from "node:crypto";
import { StreamKinds } from "@uaip/events";
import * as v from "valibot";

/** The manifest's file name inside a backup folder. */
export const MANIFEST_FILE = "manifest.json";

const RelativePath = v.pipe(
  v.string(),
  v.regex(/^(?!.*\.\.)[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/, "must be a path inside the backup"),
);

const BackupFileSchema = v.object({
  path: RelativePath,
  bytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, "must be 64 hex digits")),
});

const Seq = v.pipe(v.number(), v.integer(), v.minValue(0));

const StreamEntrySchema = v.object({
  kind: v.picklist(StreamKinds),
  name: v.string(),
  file: BackupFileSchema,
  messages: Seq,
  firstSeq: Seq,
  lastSeq: Seq,
  firstTime: v.optional(v.string()),
  lastTime: v.optional(v.string()),
  consumers: Seq,
  /** The server's StreamConfig and StreamState at the snapshot, sent back on restore. */
  config: v.looseObject({ name: v.string() }),
  state: v.looseObject({ messages: Seq, last_seq: Seq }),
});

/** What a backup folder holds, checked before anything is restored. */
export const ManifestSchema = v.object({
  format: v.literal("uaip-backup"),
  version: v.literal(1),
  namespace: v.string(),
  createdAt: v.string(),
  completedAt: v.string(),
  natsServer: v.optional(v.string()),
  streams: v.array(StreamEntrySchema),
  /** Projection checkpoints when the backup began (informational: restore rebuilds). */
  checkpoints: v.array(v.object({ name: v.string(), position: Seq })),
  postgres: v.optional(v.object({ ...BackupFileSchema.entries, tool: v.string() })),
  /** sha256 of the manifest without this field, so an edited manifest is caught too. */
  checksum: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});

export type Manifest = v.InferOutput<typeof ManifestSchema>;
export type ManifestStream = Manifest["streams"][number];
export type BackupFile = v.InferOutput<typeof BackupFileSchema>;

/** The checksum a manifest must carry: sha256 of its JSON without `checksum`, keys as written. */
export function manifestChecksum(
  manifest: Omit<Manifest, "checksum"> | Record<string, unknown>,
): string {
  const { checksum: _ignored, ...rest } = manifest as Record<string, unknown>;
  return createHash("sha256").update(JSON.stringify(rest)).digest("hex");
}

/** Seals a manifest: adds its checksum, returns the text to write. */
export function sealManifest(manifest: Omit<Manifest, "checksum">): string {
  return `${JSON.stringify({ ...manifest, checksum: manifestChecksum(manifest) }, null, 2)}\n`;
}
