import type { DeviceRow } from "@uaip/projections";

/** The online set, type sets and counters the caches must hold for a set of device rows. */
export interface ExpectedFleet {
  readonly online: Set<string>;
  /** type → ids of the live devices of that type. */
  readonly types: Map<string, Set<string>>;
  /** `status:<status>` and `type:<type>` → how many live devices. */
  readonly counts: Map<string, number>;
}

/**
 * What the scripts' `track` maintains, computed from rows alone: decommissioned devices are
 * in no set and no counter; empty sets and zero counters do not exist.
 */
export function expectedFleet(rows: Iterable<DeviceRow>): ExpectedFleet {
  const fleet: ExpectedFleet = { online: new Set(), types: new Map(), counts: new Map() };
  for (const row of rows) {
    if (row.decommissionedAt !== null) continue;
    if (row.status === "online") fleet.online.add(row.id);
    const members = fleet.types.get(row.type) ?? new Set<string>();
    fleet.types.set(row.type, members.add(row.id));
    for (const field of [`status:${row.status}`, `type:${row.type}`])
      fleet.counts.set(field, (fleet.counts.get(field) ?? 0) + 1);
  }
  return fleet;
}
