import type { DeviceRow } from "../devices/device-row.ts";

/** A change of one fleet count: how many more (or fewer) live devices have this status or type. */
export interface FleetStatDelta {
  readonly dimension: "status" | "type";
  readonly key: string;
  readonly delta: number;
}

/**
 * How the fleet counts move when `changed` replace the rows they had in `before` (a device
 * absent from `before` is new). Only live (not decommissioned) devices count, so a
 * decommissioning takes its device out of both its counts. Pure; changes that cancel out
 * are left out, so a batch that moves nothing adjusts nothing.
 *
 * @example
 * fleetStatsDelta([online], new Map([["b1", offline]]));
 * // [{ dimension: "status", key: "offline", delta: -1 }, { dimension: "status", key: "online", delta: 1 }]
 */
export function fleetStatsDelta(
  changed: Iterable<DeviceRow>,
  before: ReadonlyMap<string, DeviceRow>,
): FleetStatDelta[] {
  // Keyed by dimension, then value: a status or type may hold any character.
  const delta = { status: new Map<string, number>(), type: new Map<string, number>() };
  const add = (row: DeviceRow | undefined, by: number) => {
    if (!row || row.decommissionedAt !== null) return;
    delta.status.set(row.status, (delta.status.get(row.status) ?? 0) + by);
    delta.type.set(row.type, (delta.type.get(row.type) ?? 0) + by);
  };
  for (const row of changed) {
    add(before.get(row.id), -1);
    add(row, +1);
  }
  return (["status", "type"] as const).flatMap((dimension) =>
    [...delta[dimension]]
      .filter(([, n]) => n !== 0)
      .map(([key, n]) => ({ dimension, key, delta: n })),
  );
}

/**
 * The fleet counts of these rows, as `status:<status>` and `type:<type>` → live devices;
 * a count of zero is absent. What `fleet_stats` holds for a fold of the log (and the Redis
 * projection's counters, which count the same way).
 *
 * @example
 * fleetCounts(foldDevices(events).values()); // Map { "status:online" => 2, "type:smart-bulb" => 2 }
 */
export function fleetCounts(rows: Iterable<DeviceRow>): Map<string, number> {
  return new Map(fleetStatsDelta(rows, new Map()).map((d) => [`${d.dimension}:${d.key}`, d.delta]));
}
