import type { NatsConnection } from "@nats-io/transport-node";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  type CommandReply,
  CommandReplySchema,
  type CommandRequest,
  deviceSubjects,
  traceHeaders,
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
 *
 * Traced: a client span (`dispatch command`, child of the active context: the session puts
 * the command's issuing trace there) whose W3C context rides in the request's headers, so
 * the device SDK continues it while it handles the command.
 */
export function deliverCommand(
  nc: NatsConnection,
  namespace: string,
  command: OpenCommand,
  attempt: number,
  timeoutMs: number,
): Promise<DeliveryResult> {
  return trace.getTracer("@uaip/dispatcher").startActiveSpan(
    "dispatch command",
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "uaip.command.id": command.commandId,
        "uaip.command.name": command.name,
        "uaip.device.id": command.deviceId,
        "uaip.command.attempt": attempt,
      },
    },
    async (span) => {
      try {
        const result = await deliverOnce(nc, namespace, command, attempt, timeoutMs);
        span.setAttribute(
          "uaip.delivery.result",
          result.kind === "answered" ? result.reply.status : result.kind,
        );
        if (result.kind === "no-answer")
          span.setStatus({ code: SpanStatusCode.ERROR, message: result.reason });
        return result;
      } finally {
        span.end();
      }
    },
  );
}

async function deliverOnce(
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
    const h = traceHeaders();
    const msg = await nc.request(
      deviceSubjects(namespace, command.deviceId).inbox,
      JSON.stringify(request),
      { timeout: timeoutMs, ...(h ? { headers: h } : {}) },
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
