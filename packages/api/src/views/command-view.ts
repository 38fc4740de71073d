import type { CommandRow } from "@uaip/projections";
import * as v from "valibot";

export const CommandStates = [
  "issued",
  "delivered",
  "acknowledged",
  "completed",
  "failed",
  "expired",
  "cancelled",
] as const;

const time = v.pipe(v.string(), v.isoTimestamp());
const nullableTime = v.nullable(time);

/** A command with its lifecycle, as `GET /commands/{id}` and a device's command list show it. */
export const CommandViewSchema = v.pipe(
  v.object({
    id: v.string(),
    deviceId: v.string(),
    name: v.string(),
    params: v.record(v.string(), v.unknown()),
    state: v.picklist(CommandStates),
    attempts: v.pipe(v.number(), v.integer()),
    issuedAt: time,
    expiresAt: time,
    deliveredAt: nullableTime,
    acknowledgedAt: nullableTime,
    completedAt: nullableTime,
    failedAt: nullableTime,
    expiredAt: nullableTime,
    cancelledAt: nullableTime,
    result: v.unknown(),
    error: v.nullable(v.object({ message: v.string(), code: v.optional(v.string()) })),
    idempotencyKey: v.nullable(v.string()),
    version: v.pipe(v.number(), v.integer()),
  }),
  v.title("Command"),
);

export type CommandView = v.InferOutput<typeof CommandViewSchema>;

/** @example c.json(commandView(commandFromTable(row))) */
export function commandView(r: CommandRow): CommandView {
  const { commandId, ...rest } = r;
  return { id: commandId, ...rest, params: { ...r.params } } as CommandView;
}
