import type { RecordedEvent } from "@uaip/events";
import type { DeviceRow } from "../devices/device-row.ts";
import { foldDevices } from "../devices/devices-fold.ts";
import { fleetCounts } from "../fleet-stats/fleet-stats-fold.ts";
import { type DeviceHash, deviceToHash } from "./device-hash.ts";

/** The online set, type sets and counters the caches must hold for a set of device rows. */
export interface RedisFleet {
  readonly online: Set<string>;
  /** type → ids of the live devices of that type. */
  readonly types: Map<string, Set<string>>;
  /** `status:<status>` and `type:<type>` → how many live devices (as `fleet_stats` counts). */
  readonly counts: Map<string, number>;
}

/** Everything the Redis projection holds for a history but its checkpoint. */
export interface RedisModel extends RedisFleet {
  /** id → the device's snapshot hash (`<ns>:device:<id>`). */
  readonly snapshots: Map<string, DeviceHash>;
}

/**
 * What the scripts' `track` maintains, computed from rows alone: decommissioned devices are
 * in no set and no counter; empty sets and zero counters do not exist.
 *
 * @example
 * redisFleetOf([thermostatOnline]); // { online: {"th1"}, types: {thermostat: {"th1"}}, counts: … }
 */
export function redisFleetOf(rows: Iterable<DeviceRow>): RedisFleet {
  const all = [...rows];
  const fleet: RedisFleet = { online: new Set(), types: new Map(), counts: fleetCounts(all) };
  for (const row of all) {
    if (row.decommissionedAt !== null) continue;
    if (row.status === "online") fleet.online.add(row.id);
    const members = fleet.types.get(row.type) ?? new Set<string>();
    fleet.types.set(row.type, members.add(row.id));
  }
  return fleet;
}

/**
 * The Redis projection's read model as a pure fold of a devices-stream history: the rows of
 * the same `foldDevices` as the PostgreSQL `devices` table, each as its snapshot hash, with
 * the sets and counters they imply. What the writer must leave in Redis, and what `verify`
 * compares Redis with.
 *
 * @example
 * foldRedis(events).snapshots.get("thermo-42")?.status; // "online"
 */
export function foldRedis(events: Iterable<RecordedEvent>): RedisModel {
  const rows = [...foldDevices(events).values()];
  const snapshots = new Map(rows.map((row) => [row.id, deviceToHash(row)]));
  return { snapshots, ...redisFleetOf(rows) };
}
