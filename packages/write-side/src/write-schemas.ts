import {
  CommandIssuedData,
  DeviceIdSchema,
  DeviceRegisteredData,
  DeviceUpdatedData,
  NameTokenSchema,
  ReasonSchema,
} from "@uaip/events";
import * as v from "valibot";

/** `POST /devices`: the device's id and what `device.registered` carries. */
export const RegisterDeviceBody = v.strictObject({
  id: DeviceIdSchema,
  ...DeviceRegisteredData.entries,
});
export type RegisterDeviceInput = v.InferInput<typeof RegisterDeviceBody>;

/** `PATCH /devices/:id`: the registry fields to change (at least one; `type` never changes). */
export const UpdateDeviceBody = DeviceUpdatedData;
export type UpdateDeviceInput = v.InferInput<typeof UpdateDeviceBody>;

// Every text the write side takes is checked by the catalog's own schemas, so what a write
// accepts is what the projections can store (no U+0000, no lone surrogate).
const Reason = v.optional(ReasonSchema);

/** `DELETE /devices/:id`: an optional reason. */
export const DecommissionDeviceBody = v.strictObject({ reason: Reason });
export type DecommissionDeviceInput = v.InferInput<typeof DecommissionDeviceBody>;

/** Longest time to live a command may ask for: a week. */
export const MaxTtlSeconds = 7 * 24 * 3600;

/** `POST /devices/:id/commands`: the command, its params, and its time to live in seconds (default 300). */
export const IssueCommandBody = v.strictObject({
  name: NameTokenSchema,
  params: CommandIssuedData.entries.params,
  ttl: v.optional(
    v.pipe(
      v.number(),
      v.integer("must be a whole number of seconds"),
      v.minValue(1, "must be at least 1 second"),
      v.maxValue(MaxTtlSeconds, `must be at most ${MaxTtlSeconds} seconds (a week)`),
    ),
    300,
  ),
});
export type IssueCommandInput = v.InferInput<typeof IssueCommandBody>;

/** `POST /commands/:id/cancel`: an optional reason. */
export const CancelCommandBody = v.strictObject({ reason: Reason });
export type CancelCommandInput = v.InferInput<typeof CancelCommandBody>;

/** `Idempotency-Key`: what makes a retried command POST return the same command. */
export const IdempotencyKeySchema = v.pipe(
  v.string(),
  v.regex(/^[\x21-\x7E]{1,128}$/, "must be 1-128 visible ASCII characters"),
);

/** `If-Match`: a device version (`"12"`, `W/"12"` or `12`), or `*` for any. */
export const IfMatchSchema = v.pipe(
  v.string(),
  v.trim(),
  v.regex(/^(\*|(W\/)?"?\d{1,15}"?)$/, 'must be a device version such as "12", or *'),
  v.transform((s): number | "*" => (s === "*" ? "*" : Number(s.replace(/\D/g, "")))),
);

export { DeviceIdSchema };
export const CommandNameSchema = NameTokenSchema;
