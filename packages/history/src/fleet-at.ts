import { type RecordedEvent, streamName } from "@uaip/events";
import { readLog } from "@uaip/log-reader";
import { type DeviceRow, foldDevices } from "@uaip/projections";
import type { LogDeps } from "./log-deps.ts";
import { streamInfoOr400 } from "./open-replay.ts";

/** Events folded at a time, and messages pulled at a time. */
const FOLD_BATCH = 1024;

export interface FleetAt {
  /** Every device as of the instant, ordered by id. */
  readonly devices: DeviceRow[];
  /** The instant asked for. */
  readonly at: Date;
  /** Last DEVICES stream sequence folded (0 when none). */
  readonly position: number;
  /** Events folded (messages that do not decode are skipped, as the live projection does). */
  readonly events: number;
}

/**
 * The whole fleet as it stood at `at`: folds the DEVICES stream, from its start up to the
 * last event stored at or before `at`, with the same pure fold as the live `devices`
 * projection. For `at` = now it equals the `devices` table once the projection has caught
 * up. Memory grows with the number of devices, not of events.
 *
 * @example
 * const { devices } = await fleetAt(deps, new Date("2026-11-21T10:00:00Z"));
 */
export async function fleetAt(
  deps: LogDeps,
  at: Date,
  opts: { field?: string; onBatch?: (position: number, lastSeq: number) => void } = {},
): Promise<FleetAt> {
  const stream = streamName(deps.namespace, "devices");
  const info = await streamInfoOr400(deps, stream, opts.field ?? "--fold");
  const end = info.state.last_seq;
  const into = new Map<string, DeviceRow>();
  let position = 0;
  let events = 0;
  if (info.state.messages > 0) {
    await using log = await readLog(deps.js, deps.jsm, {
      namespace: deps.namespace,
      stream: "devices",
      to: { toSeq: end },
      batch: FOLD_BATCH,
    });
    const batch: RecordedEvent[] = [];
    for await (const { raw, decoded } of log) {
      if (raw.storedAt > at) break;
      position = raw.seq;
      if (decoded.ok) batch.push(decoded.value);
      if (batch.length >= FOLD_BATCH) {
        events += batch.length;
        foldDevices(batch.splice(0), into);
        opts.onBatch?.(position, end);
      }
    }
    events += batch.length;
    foldDevices(batch, into);
    opts.onBatch?.(position, end);
  }
  const devices = [...into.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { devices, at, position, events };
}
