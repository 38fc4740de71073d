import type { EventSource } from "@uaip/events";

/**
 * The one rule for a decommissioned device: from its decommissioning on (in stream order),
 * nothing the device itself sends counts. Its credentials may still work, so it can still
 * publish, but the devices fold refuses its events (they become dead letters naming this
 * rule, fleet counts do not move, the Redis snapshot and time travel agree, as they fold
 * with the same `evolveDevice`), the presence tracker ignores it, the write side refuses
 * writes to it, the dispatcher delivers it nothing, and its id is never registered again.
 * What the hub and operators append after it still folds (e.g. the dispatcher's
 * cancellations of its open commands).
 *
 * @example
 * refusesAfterDecommissioning(row.decommissionedAt !== null, event.source); // true for the device's own events
 */
export function refusesAfterDecommissioning(decommissioned: boolean, source: EventSource): boolean {
  return decommissioned && source === "device";
}

/** Why an event was refused under the rule, for the dead letter. */
export function decommissionedRefusal(deviceId: string, decommissionedAt: string): string {
  return `device ${deviceId} was decommissioned at ${decommissionedAt}: events it sends are refused`;
}
