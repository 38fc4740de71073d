import type { Db } from "@uaip/platform";
import type { OpenCommandRow } from "./open-commands.ts";

/** The open commands of the `commands` read model and the stream sequence they stand at. */
export interface OpenCommandsSnapshot {
  /** The commands projection's checkpoint: the rows reflect the stream up to here. */
  readonly position: number;
  readonly rows: readonly OpenCommandRow[];
}

/**
 * Reads the projection's checkpoint and its open commands in one repeatable-read
 * transaction, so the rows are exactly the fold of the stream up to `position` (the
 * projection writes both in one transaction). The dispatcher tails the stream from there.
 */
export async function loadOpenCommands(
  db: Db,
  projection = "commands",
): Promise<OpenCommandsSnapshot> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      const checkpoint = await trx
        .selectFrom("projection_checkpoints")
        .select("position")
        .where("name", "=", projection)
        .executeTakeFirst();
      const rows = await trx
        .selectFrom("commands")
        .select(["command_id", "device_id", "name", "params", "state", "attempts", "expires_at"])
        .where("state", "in", ["issued", "delivered", "acknowledged"])
        .orderBy("issued_at")
        .orderBy("command_id")
        .execute();
      return {
        position: Number(checkpoint?.position ?? 0),
        rows: rows.map((r) => ({
          commandId: r.command_id,
          deviceId: r.device_id,
          name: r.name,
          params: r.params as Record<string, unknown>,
          state: r.state,
          attempts: Number(r.attempts),
          expiresAt: new Date(r.expires_at).toISOString(),
        })),
      };
    });
}
