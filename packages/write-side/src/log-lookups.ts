import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { decodeEvent, streamName, subjects } from "@uaip/events";

/**
 * The last message on a subject (wildcards allowed), read from the stream's leader through
 * the JetStream API, so a write just acknowledged is seen; null when there is none.
 */
export async function lastOnSubject(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  return jsm.streams.getMessage(stream, { last_by_subj: subject });
}

/**
 * The last message of an event on `subject` whoever appended it: the device's own subject
 * or the hub's (`<subject>.operator`, `<subject>.hub`); null when there is none.
 */
export async function lastOfAnyOrigin(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  const [own, hub] = await Promise.all([
    lastOnSubject(jsm, stream, subject),
    lastOnSubject(jsm, stream, `${subject}.*`),
  ]);
  if (!own || !hub) return own ?? hub;
  return own.seq > hub.seq ? own : hub;
}

/** How far firstValidOn looks before it counts the subject as holding a valid event. */
const MaxScan = 100;

/**
 * The first message on `subject` that decodes into a valid event — the one a fold would
 * apply; invalid ones are dead letters to it. Null when there is none. Past `MaxScan`
 * invalid messages it gives up and answers the last one read, erring on "there is one".
 */
export async function firstValidOn(
  jsm: JetStreamManager,
  namespace: string,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  const s = subjects(namespace);
  let from = 1;
  for (let n = 0; ; n++) {
    const m = await jsm.streams.getMessage(stream, { seq: from, next_by_subj: subject } as never);
    if (!m) return null;
    const decoded = decodeEvent(
      { stream, seq: m.seq, subject: m.subject, data: m.data, storedAt: m.time },
      s,
    );
    if (decoded.ok || n >= MaxScan) return m;
    from = m.seq + 1;
  }
}

/** firstValidOn over the device's own subject and the hub's (`<subject>.*`): the earlier. */
export async function firstValidOfAnyOrigin(
  jsm: JetStreamManager,
  namespace: string,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  const [own, hub] = await Promise.all([
    firstValidOn(jsm, namespace, stream, subject),
    firstValidOn(jsm, namespace, stream, `${subject}.*`),
  ]);
  if (!own || !hub) return own ?? hub;
  return own.seq < hub.seq ? own : hub;
}

/** Stream sequences of a device's registry events (any origin), 0 where there is none. */
export interface RegistrySequences {
  readonly registered: number;
  readonly updated: number;
  readonly decommissioned: number;
  /** The last operator update alone: the subject a conditional PATCH appends to. */
  readonly operatorUpdated: number;
}

/**
 * Where the device's registry stands in the log: the sequence of its last registration,
 * update and decommissioning, whether the device or an operator appended them. Read from
 * the log, not a read model, so a write just made is never missed.
 */
export async function registrySequences(
  jsm: JetStreamManager,
  namespace: string,
  deviceId: string,
): Promise<RegistrySequences> {
  const s = subjects(namespace);
  const stream = streamName(namespace, "devices");
  const seqOf = async (m: Promise<StoredMsg | null>) => (await m)?.seq ?? 0;
  const [registered, updated, decommissioned, operatorUpdated] = await Promise.all([
    seqOf(lastOfAnyOrigin(jsm, stream, s.device(deviceId, "registered"))),
    seqOf(lastOfAnyOrigin(jsm, stream, s.device(deviceId, "updated"))),
    seqOf(lastOfAnyOrigin(jsm, stream, s.device(deviceId, "decommissioned"))),
    seqOf(lastOnSubject(jsm, stream, s.device(deviceId, "updated", "operator"))),
  ]);
  return { registered, updated, decommissioned, operatorUpdated };
}
