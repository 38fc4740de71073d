import type { DeviceRow } from "../devices/device-row.ts";

/**
 * How a DeviceRow is stored in its hash: strings as they are, arrays and `metadata` as JSON,
 * `version` in decimal. A `null` field is left out of the hash (the scripts read a missing
 * `decommissionedAt` as "live"), so `deviceFromHash(deviceToHash(row))` equals `row`.
 */
export type DeviceHash = Readonly<Record<string, string>>;

/** The hash a row is stored as (see DeviceHash). */
export function deviceToHash(row: DeviceRow): DeviceHash {
  const hash: Record<string, string> = {
    id: row.id,
    name: row.name,
    type: row.type,
    capabilities: JSON.stringify(row.capabilities),
    tags: JSON.stringify(row.tags),
    metadata: JSON.stringify(row.metadata),
    status: row.status,
    lastSeenAt: row.lastSeenAt,
    version: String(row.version),
  };
  const nullable = {
    location: row.location,
    firmware: row.firmware,
    statusReason: row.statusReason,
    statusChangedAt: row.statusChangedAt,
    registeredAt: row.registeredAt,
    decommissionedAt: row.decommissionedAt,
  };
  for (const [field, value] of Object.entries(nullable)) if (value !== null) hash[field] = value;
  return hash;
}

/** The row a hash holds, or `undefined` for a missing key (HGETALL answers `{}`). */
export function deviceFromHash(hash: DeviceHash): DeviceRow | undefined {
  const { id, name, type, status, lastSeenAt, version } = hash;
  if (
    id === undefined ||
    name === undefined ||
    type === undefined ||
    status === undefined ||
    lastSeenAt === undefined ||
    version === undefined
  ) {
    return undefined;
  }
  return {
    id,
    name,
    type,
    capabilities: JSON.parse(hash.capabilities ?? "[]") as string[],
    tags: JSON.parse(hash.tags ?? "[]") as string[],
    location: hash.location ?? null,
    firmware: hash.firmware ?? null,
    metadata: JSON.parse(hash.metadata ?? "{}") as Record<string, unknown>,
    status: status as DeviceRow["status"],
    statusReason: hash.statusReason ?? null,
    statusChangedAt: hash.statusChangedAt ?? null,
    registeredAt: hash.registeredAt ?? null,
    lastSeenAt,
    decommissionedAt: hash.decommissionedAt ?? null,
    version: Number(version),
  };
}

/** A row as one script argument: the hash's fields as a JSON object of strings. */
export function encodeRow(row: DeviceRow): string {
  return JSON.stringify(deviceToHash(row));
}
