import * as v from "valibot";
import { catalog, type EventType, isEventType } from "./catalog.ts";
import { type DeviceEvent, IncomingEnvelopeSchema, type RecordedEvent } from "./envelope.ts";
import { describeIssues, type FieldIssue, fieldIssues } from "./issues.ts";
import type { Subjects } from "./naming.ts";
import { upcast } from "./upcast.ts";

/** A message as read from a stream, independent of the NATS client's types. */
export interface RawStoredMessage {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly storedAt: Date;
  /** Header lookup; returns "" or undefined when absent (both are treated as absent). */
  readonly header?: (name: string) => string | undefined;
}

export type RejectionReason =
  | "malformed_json"
  | "invalid_envelope"
  | "unknown_type"
  | "subject_mismatch"
  | "unsupported_version"
  | "invalid_data"
  /** Valid, but the projection's fold or store could not apply it. */
  | "unfoldable";

/** Why an event cannot be accepted: the reason code, the fields at fault, one line of text. */
export interface Rejection {
  readonly reason: RejectionReason;
  readonly issues: readonly FieldIssue[];
  readonly message: string;
}

export type DecodeResult =
  | { readonly ok: true; readonly value: RecordedEvent }
  | { readonly ok: false; readonly rejection: Rejection };

const textDecoder = new TextDecoder();

/**
 * Decodes and validates one stored message into the current version of its event.
 *
 * A plain NATS client may publish only `{"data": …}`: the id then comes from the
 * `Nats-Msg-Id` header or, failing that, from the stream and sequence; the type and device
 * id from the subject; the time from the stream. Whatever the body does say must agree
 * with the subject, because the subject is what per-device permissions authenticate.
 */
export function decodeEvent(msg: RawStoredMessage, subjects: Subjects): DecodeResult {
  let body: unknown;
  try {
    body = JSON.parse(textDecoder.decode(msg.data));
  } catch (err) {
    return reject("malformed_json", [
      { field: "(root)", rule: "json", message: `not valid JSON: ${(err as Error).message}` },
    ]);
  }
  const envelope = v.safeParse(IncomingEnvelopeSchema, body);
  if (!envelope.success) return reject("invalid_envelope", fieldIssues(envelope.issues));
  const e = envelope.output;

  const fromSubject = subjects.parse(msg.subject);
  const type = e.type ?? fromSubject?.type;
  if (type === undefined || !isEventType(type)) {
    const message =
      type === undefined
        ? "missing, and the subject names no event type"
        : `unknown event type "${type}"`;
    return reject("unknown_type", [{ field: "type", rule: "catalog", message }]);
  }
  const mismatch = checkSubject(type, e.deviceId, e.data, fromSubject);
  if (mismatch) return reject("subject_mismatch", [mismatch]);
  const deviceId = e.deviceId ?? fromSubject?.deviceId;
  if (deviceId === undefined) {
    return reject("invalid_envelope", [
      { field: "deviceId", rule: "required", message: "missing, and the subject names no device" },
    ]);
  }

  const def = catalog[type];
  const up = upcast(type, e.v ?? def.version, e.data);
  if (!up.ok) return reject(up.reason, up.issues);
  const data = v.safeParse(def.data, up.data);
  if (!data.success) return reject("invalid_data", fieldIssues(data.issues, "data"));

  const event = {
    id: e.id ?? (msg.header?.("Nats-Msg-Id") || `${msg.stream}:${msg.seq}`),
    type,
    v: def.version,
    deviceId,
    occurredAt: e.occurredAt ?? msg.storedAt.toISOString(),
    source: e.source ?? "device",
    data: data.output,
  } as DeviceEvent;
  const traceparent = msg.header?.("traceparent") || undefined;
  return {
    ok: true,
    value: {
      stream: msg.stream,
      seq: msg.seq,
      subject: msg.subject,
      storedAt: msg.storedAt,
      event,
      ...(traceparent ? { traceparent } : {}),
    },
  };
}

function checkSubject(
  type: EventType,
  deviceId: string | undefined,
  data: unknown,
  fromSubject: ReturnType<Subjects["parse"]>,
): FieldIssue | undefined {
  if (!fromSubject) return undefined; // e.g. replayed from a file: nothing to compare with
  if (fromSubject.type !== type) {
    return {
      field: "type",
      rule: "subject",
      message: `"${type}" does not match the subject's "${fromSubject.type}"`,
    };
  }
  if (deviceId !== undefined && deviceId !== fromSubject.deviceId) {
    return {
      field: "deviceId",
      rule: "subject",
      message: `"${deviceId}" does not match the subject's "${fromSubject.deviceId}"`,
    };
  }
  const commandId = (data as { commandId?: unknown } | null)?.commandId;
  if (
    fromSubject.commandId !== undefined &&
    commandId !== undefined &&
    commandId !== fromSubject.commandId
  ) {
    return {
      field: "data.commandId",
      rule: "subject",
      message: `"${String(commandId)}" does not match the subject's "${fromSubject.commandId}"`,
    };
  }
  return undefined;
}

function reject(reason: RejectionReason, issues: FieldIssue[]): DecodeResult {
  return {
    ok: false,
    rejection: { reason, issues, message: `${reason}: ${describeIssues(issues)}` },
  };
}
