import type { NatsConnection } from "@nats-io/transport-node";
import {
  type CommandReply,
  CommandReplySchema,
  type CommandRequest,
  deviceSubjects,
} from "@uaip/device-protocol";
import { describeIssues, fieldIssues, printable } from "@uaip/events";
import * as v from "valibot";
import type { OpenCommand } from "./open-commands.ts";

/** What one delivery attempt came to. */
export type DeliveryResult =
  | { readonly kind: "answered"; readonly reply: CommandReply }
  /** Nobody subscribes to the device's inbox: the device is not connected. */
  | { readonly kind: "offline" }
  /** The device did not answer in time, or NATS failed the request. */
  | { readonly kind: "no-answer"; readonly reason: string };

/**
 * Sends one command to the device's inbox (core request/reply) and says what came back.
 * A reply that is not a valid CommandReply — or holds what the log cannot store, such as a
 * U+0000 in its result — counts as a rejection naming the field, so a confused device fails
 * its command rather than receiving it forever.
 */
export async function deliverCommand(
  nc: NatsConnection,
  namespace: string,
  command: OpenCommand,
  attempt: number,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const request: CommandRequest = {
    commandId: command.commandId,
    name: command.name,
    params: { ...command.params },
    expiresAt: new Date(command.expiresAt).toISOString(),
    attempt,
  };
  let reply: unknown;
  try {
    const msg = await nc.request(
      deviceSubjects(namespace, command.deviceId).inbox,
      JSON.stringify(request),
      { timeout: timeoutMs },
    );
    reply = msg.json();
  } catch (err) {
    const e = err as { name?: string; isNoResponders?: () => boolean; cause?: { name?: string } };
    if (e.isNoResponders?.() || e.cause?.name === "NoRespondersError") return { kind: "offline" };
    if (e.name === "SyntaxError") reply = undefined;
    else return { kind: "no-answer", reason: (err as Error).message };
  }
  const parsed = v.safeParse(CommandReplySchema, reply);
  if (parsed.success) return { kind: "answered", reply: parsed.output };
  // Valibot messages may quote the input: printable() keeps the reason storable.
  const why = describeIssues(fieldIssues(parsed.issues)).slice(0, 1024);
  return {
    kind: "answered",
    reply: {
      status: "rejected",
      error: {
        message: `the device answered with something that is not a command reply (${printable(why)})`,
        code: "BAD_REPLY",
      },
    },
  };
}
