import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { type RecordedEvent, streamName, subjects } from "@uaip/events";
import { readLog } from "@uaip/log-reader";
import { type DeviceRow, evolveDevice, UnfoldableEventError } from "@uaip/projections";

/** Where to stop: after a stream sequence, or after the last event stored at or before a time. */
export type Instant = { readonly seq: number } | { readonly time: Date };

export interface DeviceAt {
  readonly row: DeviceRow;
  /** Sequence and storage time of the last event folded. */
  readonly seq: number;
  readonly storedAt: Date;
  readonly events: number;
}

/**
 * Sequence of the device's last event in the stream (any origin), or undefined when it has
 * none (the get answers null). Any other failure (NATS unreachable) is thrown: never a false 404.
 */
async function lastSeqOf(
  jsm: JetStreamManager,
  stream: string,
  namespace: string,
  id: string,
): Promise<number | undefined> {
  const last = await jsm.streams.getMessage(stream, {
    last_by_subj: subjects(namespace).deviceEvents(id),
  });
  return last?.seq;
}

/**
 * The device as it was at `at`, folded from its events in the log with `evolveDevice`, the
 * fold the `devices` projection applies: readLog, filtered to the device's subjects, reads
 * from its first event and stops at the instant (or at its last event).
 * Events the projection would reject are skipped, as it skips them. `undefined` when the
 * device had no event by then.
 *
 * @example
 * const then = await deviceAt(js, jsm, "uaip", "thermo-42", { time: new Date("2026-11-21T10:00Z") });
 */
export async function deviceAt(
  js: JetStreamClient,
  jsm: JetStreamManager,
  namespace: string,
  id: string,
  at: Instant,
): Promise<DeviceAt | undefined> {
  const stream = streamName(namespace, "devices");
  const lastSeq = await lastSeqOf(jsm, stream, namespace, id);
  if (lastSeq === undefined) return undefined;
  const endSeq = "seq" in at ? Math.min(at.seq, lastSeq) : lastSeq;
  const endTime = "time" in at ? at.time.getTime() : Number.POSITIVE_INFINITY;

  await using log = await readLog(js, jsm, {
    namespace,
    stream: "devices",
    filter: subjects(namespace).deviceEvents(id),
    to: { toSeq: endSeq },
    batch: 512,
    closeWithinMs: 500,
  });
  let state: DeviceAt | undefined;
  for await (const { raw, decoded } of log) {
    if (raw.storedAt.getTime() > endTime) break;
    if (!decoded.ok) continue;
    const row = foldOrRefuse(state?.row, decoded.value);
    if (row)
      state = { row, seq: raw.seq, storedAt: raw.storedAt, events: (state?.events ?? 0) + 1 };
  }
  return state;
}

/** evolveDevice, or undefined for an event the fold refuses (the projection dead-letters it). */
function foldOrRefuse(row: DeviceRow | undefined, e: RecordedEvent): DeviceRow | undefined {
  try {
    return evolveDevice(row, e);
  } catch (err) {
    if (err instanceof UnfoldableEventError) return undefined;
    throw err;
  }
}
