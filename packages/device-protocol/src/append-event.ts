import type { JetStreamClient, PubAck } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import type { DeviceEvent, Subjects } from "@uaip/events";
import { SourceHeader } from "./source-header.ts";

export interface AppendOptions {
  /** `Nats-Expected-Last-Subject-Sequence`: the append fails (10071) unless the subject's last sequence is this. */
  readonly expectLastSubjectSequence?: number;
  readonly timeoutMs?: number;
}

/**
 * Appends an event the hub writes (an operator's or its own) to its stream: on its
 * subject, with its id as `Nats-Msg-Id` (a retry is stored once) and the source header.
 *
 * @example
 * const ack = await appendEvent(js, subjects(ns), createEvent("command.expired", id, { commandId }, { source: "hub" }));
 */
export function appendEvent(
  js: JetStreamClient,
  s: Subjects,
  event: DeviceEvent,
  opts: AppendOptions = {},
): Promise<PubAck> {
  const h = headers();
  h.set(SourceHeader, event.source);
  return js.publish(s.forEvent(event), JSON.stringify(event), {
    msgID: event.id,
    headers: h,
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
    ...(opts.expectLastSubjectSequence !== undefined
      ? { expect: { lastSubjectSequence: opts.expectLastSubjectSequence } }
      : {}),
  });
}

/** JetStream's "wrong last sequence": an `expect` on the subject did not hold. */
export const WrongLastSequence = 10071;

/** The JetStream API error code of `err`, if it is one. */
export function jetStreamErrorCode(err: unknown): number | undefined {
  const e = err as { name?: string; code?: unknown } | null;
  return e?.name === "JetStreamApiError" && typeof e.code === "number" ? e.code : undefined;
}
