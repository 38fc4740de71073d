import {
  type DecodeResult,
  type DeviceEvent,
  decodeEvent,
  type RawStoredMessage,
  type RejectionReason,
  type StreamKind,
  type Subjects,
} from "@uaip/events";

/** Headers a dead letter carries (see packages/projector/src/dead-letters.ts). */
export interface DeadLetterInfo {
  readonly projection: string;
  readonly originalStream: string;
  readonly originalSeq: number;
  readonly originalSubject: string;
  readonly reason: string;
  readonly error: string;
}

/**
 * One message of the log as replay writes it: where and when JetStream stored it, and the
 * event upcast to its current version. A message that does not decode is not dropped: it
 * comes with the rejection and its body as text. Dead letters come with their headers.
 */
export interface ReplayRecord {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  /** Stream time, ISO 8601 with milliseconds. */
  readonly storedAt: string;
  readonly traceparent?: string;
  readonly event?: DeviceEvent;
  readonly rejected?: { readonly reason: RejectionReason; readonly message: string };
  /** The body as stored, when it is not a valid event (always for dead letters). */
  readonly body?: string;
  readonly deadLetter?: DeadLetterInfo;
}

const text = new TextDecoder();

/**
 * What the subject (or a dead letter's original subject) says, for client-side filters;
 * it agrees with the body, because decoding rejects a body that contradicts its subject.
 */
export function subjectFacts(
  msg: RawStoredMessage,
  kind: StreamKind,
  s: Subjects,
): { deviceId?: string; type?: string } {
  const subject = kind === "deadletter" ? msg.header?.("Uaip-Original-Subject") : msg.subject;
  const info = subject ? s.parse(subject) : undefined;
  return info ? { deviceId: info.deviceId, type: info.type } : {};
}

/** Decodes one stored message into the record replay writes (or takes it decoded already). */
export function toReplayRecord(
  msg: RawStoredMessage,
  kind: StreamKind,
  s: Subjects,
  known?: DecodeResult,
): ReplayRecord {
  const base = {
    stream: msg.stream,
    seq: msg.seq,
    subject: msg.subject,
    storedAt: msg.storedAt.toISOString(),
  };
  if (kind === "deadletter") {
    const h = (name: string) => msg.header?.(name) ?? "";
    return {
      ...base,
      body: text.decode(msg.data),
      deadLetter: {
        projection: h("Uaip-Projection"),
        originalStream: h("Uaip-Original-Stream"),
        originalSeq: Number(h("Uaip-Original-Seq")) || 0,
        originalSubject: h("Uaip-Original-Subject"),
        reason: h("Uaip-Reason"),
        error: h("Uaip-Error"),
      },
    };
  }
  const decoded = known ?? decodeEvent(msg, s);
  if (decoded.ok) {
    const { traceparent, event } = decoded.value;
    return { ...base, ...(traceparent ? { traceparent } : {}), event };
  }
  const { reason, message } = decoded.rejection;
  return { ...base, rejected: { reason, message }, body: text.decode(msg.data) };
}
