import * as v from "valibot";
import { catalog, type EventType, isEventType } from "./catalog.ts";
import { type DeviceEvent, IncomingEnvelopeSchema, type RecordedEvent } from "./envelope.ts";
import { describeIssues, type FieldIssue, fieldIssues } from "./issues.ts";
import type { SubjectInfo, Subjects } from "./naming.ts";
import { printable, TextSchema } from "./text.ts";
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
  /** The payload is not UTF-8: refused rather than read with U+FFFD in place of the bytes. */
  | "invalid_utf8"
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

// fatal: invalid bytes throw instead of turning into U+FFFD, which would then be stored.
const textDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes and validates one stored message into the current version of its event.
 *
 * A plain NATS client may publish only `{"data": …}`: the id then comes from the
 * `Nats-Msg-Id` header or, failing that, from the stream and sequence; the type and device
 * id from the subject; the time from the stream. Whatever the body does say must agree
 * with the subject, because the subject is what per-device permissions authenticate. That
 * includes `source`: who produced the event is the subject's origin (a device's own subject
 * has none), never the body's claim. Pure: the same message decodes the same anywhere.
 */
export function decodeEvent(msg: RawStoredMessage, subjects: Subjects): DecodeResult {
  let text: string;
  try {
    text = textDecoder.decode(msg.data);
  } catch {
    return reject("invalid_utf8", [
      { field: "(root)", rule: "utf8", message: "the payload is not valid UTF-8" },
    ]);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return reject("malformed_json", [
      { field: "(root)", rule: "json", message: `not valid JSON: ${(err as Error).message}` },
    ]);
  }
  const envelope = v.safeParse(IncomingEnvelopeSchema, body);
  if (!envelope.success) return reject("invalid_envelope", fieldIssues(envelope.issues));
  const e = envelope.output;

  // Every stored event sits on a subject that names its type, device and origin; a body on
  // any other subject (say `<ns>.device.<id>.junk`, which a device may publish on) could
  // claim to be anything, so it is refused rather than believed.
  const fromSubject = subjects.parse(msg.subject);
  if (!fromSubject) {
    return reject("unknown_type", [
      {
        field: "type",
        rule: "subject",
        message: `the subject "${msg.subject}" names no event type of the catalog`,
      },
    ]);
  }
  const type = e.type ?? fromSubject.type;
  if (!isEventType(type)) {
    return reject("unknown_type", [
      { field: "type", rule: "catalog", message: `unknown event type "${type}"` },
    ]);
  }
  const mismatch = checkSubject(type, e.deviceId, e.source, e.data, fromSubject);
  if (mismatch) return reject("subject_mismatch", [mismatch]);
  const { deviceId, source } = fromSubject;

  const def = catalog[type];
  const up = upcast(type, e.v ?? def.version, e.data);
  if (!up.ok) return reject(up.reason, up.issues);
  const data = v.safeParse(def.data, up.data);
  if (!data.success) return reject("invalid_data", fieldIssues(data.issues, "data"));

  const event = {
    id: e.id ?? headerId(msg) ?? `${msg.stream}:${msg.seq}`,
    type,
    v: def.version,
    deviceId,
    occurredAt: e.occurredAt ?? msg.storedAt.toISOString(),
    source,
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
  source: string | undefined,
  data: unknown,
  fromSubject: SubjectInfo,
): FieldIssue | undefined {
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
  if (source !== undefined && source !== fromSubject.source) {
    return {
      field: "source",
      rule: "subject",
      message: `"${source}" does not match the subject's origin "${fromSubject.source}"`,
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

const HeaderIdSchema = TextSchema({ min: 1, max: 128 });

/** The `Nats-Msg-Id` a plain client sent, as the event id, if it is one the catalog accepts. */
function headerId(msg: RawStoredMessage): string | undefined {
  const id = msg.header?.("Nats-Msg-Id");
  return id && v.is(HeaderIdSchema, id) ? id : undefined;
}

function reject(reason: RejectionReason, raw: FieldIssue[]): DecodeResult {
  // Messages may quote the input (a field name, a type, a value): escape what a store
  // cannot hold, or the dead letter itself would fail to be written.
  const issues = raw.map((i) => ({
    field: printable(i.field),
    rule: i.rule,
    message: printable(i.message),
  }));
  return {
    ok: false,
    rejection: { reason, issues, message: `${reason}: ${describeIssues(issues)}` },
  };
}
