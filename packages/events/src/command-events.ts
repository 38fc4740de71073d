import * as v from "valibot";
import { CommandIdSchema, IsoTimeSchema, NameTokenSchema } from "./identifiers.ts";

const ParamsSchema = v.record(v.pipe(v.string(), v.maxLength(64)), v.unknown());

export const CommandIssuedData = v.strictObject({
  commandId: CommandIdSchema,
  name: NameTokenSchema,
  params: v.optional(ParamsSchema, {}),
  expiresAt: IsoTimeSchema,
  idempotencyKey: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  issuedBy: v.optional(v.pipe(v.string(), v.maxLength(128))),
});

export const CommandDeliveredData = v.strictObject({
  commandId: CommandIdSchema,
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export const CommandAcknowledgedData = v.strictObject({ commandId: CommandIdSchema });

export const CommandCompletedData = v.strictObject({
  commandId: CommandIdSchema,
  result: v.optional(v.unknown()),
});

export const CommandFailedData = v.strictObject({
  commandId: CommandIdSchema,
  error: v.strictObject({
    message: v.pipe(v.string(), v.maxLength(2048)),
    code: v.optional(v.pipe(v.string(), v.maxLength(64))),
  }),
});

export const CommandExpiredData = v.strictObject({ commandId: CommandIdSchema });

export const CommandCancelledData = v.strictObject({
  commandId: CommandIdSchema,
  reason: v.optional(v.pipe(v.string(), v.maxLength(512))),
});
