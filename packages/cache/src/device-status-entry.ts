import type { DeviceRow } from "@uaip/projections";

/** The fields `cacheStatuses` writes and `getStatuses` reads. */
export interface DeviceStatusEntry {
  readonly id: string;
  readonly status: DeviceRow["status"];
  readonly statusReason: string | null;
  readonly statusChangedAt: string | null;
  /** Stream sequence of the event this status comes from; guards the write like a row's. */
  readonly version: number;
}

export const statusFields = ["status", "statusReason", "statusChangedAt", "version"] as const;

/** A status entry from HMGET of `statusFields`, or `undefined` when the device is not cached. */
export function statusFromFields(
  id: string,
  [status, statusReason, statusChangedAt, version]: readonly (string | null)[],
): DeviceStatusEntry | undefined {
  if (status == null || version == null) return undefined;
  return {
    id,
    status: status as DeviceRow["status"],
    statusReason: statusReason ?? null,
    statusChangedAt: statusChangedAt ?? null,
    version: Number(version),
  };
}

/**
 * A status as one script argument. `version` travels as a string: Lua numbers are doubles
 * and Redis would store 1e15 as "1e+15".
 */
export function encodeStatus(s: DeviceStatusEntry): string {
  return JSON.stringify({
    id: s.id,
    status: s.status,
    ...(s.statusReason !== null && { statusReason: s.statusReason }),
    ...(s.statusChangedAt !== null && { statusChangedAt: s.statusChangedAt }),
    version: String(s.version),
  });
}
