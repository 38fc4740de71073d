import * as v from "valibot";
import { ReasonSchema } from "./device-events.ts";
import { CommandIdSchema, IsoTimeSchema, NameTokenSchema } from "./identifiers.ts";
import { JsonValueSchema, TextSchema } from "./text.ts";

/** A command's parameters: named values of any JSON shape, every string in them storable. */
export const CommandParamsSchema = v.record(TextSchema({ max: 64 }), JsonValueSchema);

/** What a device reports when a command fails: a free-text message and an optional code. */
export const CommandErrorSchema = v.strictObject({
  message: TextSchema({ max: 2048, freeText: true }),
  code: v.optional(TextSchema({ max: 64 })),
});

export const CommandIssuedData = v.strictObject({
  commandId: CommandIdSchema,
  name: NameTokenSchema,
  params: v.optional(CommandParamsSchema, {}),
  expiresAt: IsoTimeSchema,
  idempotencyKey: v.optional(TextSchema({ min: 1, max: 128 })),
  issuedBy: v.optional(TextSchema({ max: 128 })),
});

export const CommandDeliveredData = v.strictObject({
  commandId: CommandIdSchema,
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export const CommandAcknowledgedData = v.strictObject({ commandId: CommandIdSchema });

export const CommandCompletedData = v.strictObject({
  commandId: CommandIdSchema,
  result: v.optional(JsonValueSchema),
});

export const CommandFailedData = v.strictObject({
  commandId: CommandIdSchema,
  error: CommandErrorSchema,
});

export const CommandExpiredData = v.strictObject({ commandId: CommandIdSchema });

export const CommandCancelledData = v.strictObject({
  commandId: CommandIdSchema,
  reason: v.optional(ReasonSchema),
});
