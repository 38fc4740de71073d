import {
  CommandErrorSchema,
  CommandIdSchema,
  IsoTimeSchema,
  JsonValueSchema,
  NameTokenSchema,
} from "@uaip/events";
import * as v from "valibot";

/**
 * What the dispatcher sends to `<ns>.inbox.<deviceId>` (core request/reply). The device
 * must drop a `commandId` it has already accepted: a dispatcher restart may send it again.
 */
export const CommandRequestSchema = v.object({
  commandId: CommandIdSchema,
  name: NameTokenSchema,
  params: v.record(v.string(), v.unknown()),
  expiresAt: IsoTimeSchema,
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
});
export type CommandRequest = v.InferOutput<typeof CommandRequestSchema>;

// The catalog's own rules (extra keys dropped): a reply the dispatcher accepts is one it can
// store as an event.
const ErrorSchema = v.object(CommandErrorSchema.entries);

/**
 * The device's one reply to a command request:
 * - `completed` / `failed`: the handler finished within the reply window; the dispatcher
 *   appends delivered, acknowledged and the outcome, in that order;
 * - `accepted`: the handler runs on; the dispatcher appends delivered and acknowledged, and
 *   the device publishes `command.completed` / `command.failed` itself when it ends;
 * - `rejected`: the device will not run it (no handler for the name); the dispatcher
 *   appends delivered and failed.
 * `duplicate: true` says the device had seen the command id before and did not run it again.
 */
export const CommandReplySchema = v.variant("status", [
  v.object({ status: v.literal("accepted"), duplicate: v.optional(v.boolean()) }),
  v.object({
    status: v.literal("completed"),
    result: v.optional(JsonValueSchema),
    duplicate: v.optional(v.boolean()),
  }),
  v.object({
    status: v.literal("failed"),
    error: ErrorSchema,
    duplicate: v.optional(v.boolean()),
  }),
  v.object({ status: v.literal("rejected"), error: ErrorSchema }),
]);
export type CommandReply = v.InferOutput<typeof CommandReplySchema>;

/**
 * Event ids of the phases the hub appends, the same in every hub process (their msg ids are
 * derived from these, see hub-msg-id.ts), so a retried or a failed-over append is stored
 * once. A device's own outcome has an id of its own: the two copies are both stored, and
 * the commands fold keeps the first final state.
 */
export const commandEventId = {
  issued: (commandId: string) => `${commandId}.issued`,
  delivered: (commandId: string, attempt: number) => `${commandId}.delivered.${attempt}`,
  acknowledged: (commandId: string) => `${commandId}.acknowledged`,
  /** The dispatcher's outcome, either one: two dispatchers appending it store it once. */
  outcome: (commandId: string) => `${commandId}.outcome`,
  expired: (commandId: string) => `${commandId}.expired`,
  cancelled: (commandId: string) => `${commandId}.cancelled`,
};
