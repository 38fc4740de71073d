import type { DevicesTable } from "@uaip/migrations";
import type { Selectable } from "kysely";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A device as the API shows it: registry fields, latest status, presence, version. */
export function deviceView(r: Selectable<DevicesTable>) {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    capabilities: r.capabilities,
    tags: r.tags,
    location: r.location,
    firmware: r.firmware,
    metadata: r.metadata,
    status: { value: r.status, reason: r.status_reason, since: iso(r.status_changed_at) },
    registeredAt: iso(r.registered_at),
    lastSeenAt: iso(r.last_seen_at),
    decommissionedAt: iso(r.decommissioned_at),
    version: r.version,
  };
}

export type DeviceView = ReturnType<typeof deviceView>;
