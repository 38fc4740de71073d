import { type DeviceRow, deviceFromTable } from "@uaip/projections";
import type { WriteDeps } from "./write-deps.ts";
import { ProjectionBehindError } from "./write-errors.ts";

/**
 * The device's row in the `devices` projection once it has applied at least `version`
 * (read-your-writes for capabilities): polls until then, or throws ProjectionBehindError.
 */
export async function deviceAtLeast(
  deps: WriteDeps,
  deviceId: string,
  version: number,
): Promise<DeviceRow> {
  const waitMs = deps.projectionWaitMs ?? 3_000;
  const deadline = Date.now() + waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
    const row = await deps.db
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", deviceId)
      .executeTakeFirst();
    if (row && Number(row.version) >= version) return deviceFromTable(row);
    if (Date.now() >= deadline) throw new ProjectionBehindError("devices", version, waitMs);
    await new Promise((r) => setTimeout(r, delay));
  }
}
