import { type CommandReply, commandEventId } from "@uaip/device-protocol";
import { createEvent, type DeviceEvent } from "@uaip/events";

/** The events a device's reply stands for: progress (delivered, acknowledged) and the outcome, if any. */
export interface ReplyEvents {
  readonly progress: readonly DeviceEvent[];
  readonly outcome?: DeviceEvent;
}

/**
 * What the dispatcher appends for a device's reply to delivery `attempt` (at `occurredAt`), all as the hub and
 * with fixed ids (so a retried append is stored once, and the device's own copy of an outcome
 * shares its id): `delivered`; `acknowledged` unless the device rejected the command; and
 * `completed` / `failed` when the reply carries the outcome.
 *
 * @example
 * replyEvents("lamp-1", "c1", 1, { status: "completed", result: { on: true } });
 * // { progress: [delivered, acknowledged], outcome: completed }
 */
export function replyEvents(
  deviceId: string,
  commandId: string,
  attempt: number,
  reply: CommandReply,
  occurredAt: Date = new Date(),
): ReplyEvents {
  const hub = { source: "hub" as const, occurredAt };
  const progress: DeviceEvent[] = [
    createEvent(
      "command.delivered",
      deviceId,
      { commandId, attempt },
      { ...hub, id: commandEventId.delivered(commandId, attempt) },
    ),
  ];
  if (reply.status !== "rejected") {
    progress.push(
      createEvent(
        "command.acknowledged",
        deviceId,
        { commandId },
        { ...hub, id: commandEventId.acknowledged(commandId) },
      ),
    );
  }
  const id = commandEventId.outcome(commandId);
  switch (reply.status) {
    case "accepted":
      return { progress };
    case "completed":
      return {
        progress,
        outcome: createEvent(
          "command.completed",
          deviceId,
          { commandId, ...(reply.result !== undefined ? { result: reply.result } : {}) },
          { ...hub, id },
        ),
      };
    case "failed":
    case "rejected":
      return {
        progress,
        outcome: createEvent(
          "command.failed",
          deviceId,
          { commandId, error: reply.error },
          { ...hub, id },
        ),
      };
    default: {
      const unknownReply: never = reply;
      return unknownReply;
    }
  }
}
