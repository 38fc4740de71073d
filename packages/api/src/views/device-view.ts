import { DeviceStatuses } from "@uaip/events";
import type { DeviceRow } from "@uaip/projections";
import * as v from "valibot";

const time = v.pipe(v.string(), v.isoTimestamp());
const nullableTime = v.nullable(time);

/** A device as every route shows it (from Redis, PostgreSQL or a fold of the log alike). */
export const DeviceViewSchema = v.pipe(
  v.object({
    id: v.string(),
    name: v.string(),
    type: v.string(),
    capabilities: v.array(v.string()),
    tags: v.array(v.string()),
    location: v.nullable(v.string()),
    firmware: v.nullable(v.string()),
    metadata: v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.null()])),
    status: v.object({
      value: v.picklist([...DeviceStatuses, "unknown"]),
      reason: v.nullable(v.string()),
      since: nullableTime,
    }),
    registeredAt: nullableTime,
    lastSeenAt: time,
    decommissionedAt: nullableTime,
    version: v.pipe(
      v.number(),
      v.integer(),
      v.description("Stream sequence of the last event folded into this device"),
    ),
  }),
  v.title("Device"),
);

export type DeviceView = v.InferOutput<typeof DeviceViewSchema>;

/**
 * The one view of a device: registry fields, latest status with reason and time, last
 * seen, version. Every source gives a DeviceRow first, so the JSON is the same whichever
 * answered.
 *
 * @example
 * c.json(deviceView(row)); // { id, name, type, …, status: { value, reason, since }, version }
 */
export function deviceView(r: DeviceRow): DeviceView {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    capabilities: r.capabilities as string[],
    tags: r.tags as string[],
    location: r.location,
    firmware: r.firmware,
    metadata: r.metadata as DeviceView["metadata"],
    status: { value: r.status, reason: r.statusReason, since: r.statusChangedAt },
    registeredAt: r.registeredAt,
    lastSeenAt: r.lastSeenAt,
    decommissionedAt: r.decommissionedAt,
    version: r.version,
  };
}
