import type { Db } from "@uaip/platform";
import type { DeviceRow } from "@uaip/projections";
import { sql } from "kysely";

// Times leave PostgreSQL already as the ISO text the fold keeps (UTC, milliseconds): no
// Date parsing and re-formatting per row, which was a tenth of a page's cost.
const iso = (column: string) =>
  sql<
    string | null
  >`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `devices` rows shaped as the fold's DeviceRow, for lists and cache misses alike.
 *
 * @example
 * const rows = (await selectDeviceRows(db).where("status", "=", "online").execute()).map(toDeviceRow);
 */
export function selectDeviceRows(db: Db) {
  return db
    .selectFrom("devices")
    .select([
      "id",
      "name",
      "type",
      "capabilities",
      "tags",
      "location",
      "firmware",
      "metadata",
      "status",
      "status_reason",
      iso("status_changed_at").as("status_changed_at_iso"),
      iso("registered_at").as("registered_at_iso"),
      iso("last_seen_at").as("last_seen_at_iso"),
      iso("decommissioned_at").as("decommissioned_at_iso"),
      "version",
    ]);
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectDeviceRows>["execute"]>>[number];

export function toDeviceRow(r: Selected): DeviceRow {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    capabilities: r.capabilities,
    tags: r.tags,
    location: r.location,
    firmware: r.firmware,
    metadata: r.metadata as Record<string, unknown>,
    status: r.status as DeviceRow["status"],
    statusReason: r.status_reason,
    statusChangedAt: r.status_changed_at_iso,
    registeredAt: r.registered_at_iso,
    lastSeenAt: r.last_seen_at_iso as string,
    decommissionedAt: r.decommissioned_at_iso,
    version: Number(r.version),
  };
}
