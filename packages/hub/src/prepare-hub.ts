import type { JetStreamManager } from "@nats-io/jetstream";
import { migrateUp } from "@uaip/migrations";
import { type Db, ensureDatabase, type HubConfig } from "@uaip/platform";
import { applyStreams, type StreamApplyResult, streamDefinitions } from "@uaip/streams";

/** Creates the database if missing and applies pending migrations. */
export async function prepareDatabase(config: HubConfig, db: Db): Promise<string[]> {
  await ensureDatabase(config.databaseUrl);
  const report = await migrateUp(db);
  if (report.error) throw report.error;
  return report.changed;
}

/** Applies the stream definitions; throws if any stream could not be brought in line. */
export async function prepareStreams(
  config: HubConfig,
  jsm: JetStreamManager,
): Promise<StreamApplyResult[]> {
  const results = await applyStreams(jsm, streamDefinitions(config.namespace));
  const failed = results.filter((r) => r.action === "failed");
  if (failed.length > 0) {
    throw new Error(
      failed.map((f) => `${f.stream}: ${"error" in f ? f.error : "failed"}`).join("; "),
    );
  }
  return results;
}
