import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { type StreamKind, StreamKinds, streamName, subjects } from "@uaip/events";

const SECOND_NS = 1_000_000_000;
const DAY_NS = 86_400 * SECOND_NS;

export interface StreamOptions {
  /** Replicas per stream: 1 on a single server, 3 on a cluster. */
  readonly replicas?: number;
  /** How long telemetry is kept (days). */
  readonly telemetryDays?: number;
  /** How long dead letters are kept (days). */
  readonly deadLetterDays?: number;
}

/** The settings the hub owns on each stream; anything else on the server is left alone. */
export type ManagedStreamConfig = Pick<
  StreamConfig,
  | "name"
  | "subjects"
  | "description"
  | "storage"
  | "retention"
  | "discard"
  | "max_age"
  | "max_msgs"
  | "max_bytes"
  | "max_msg_size"
  | "duplicate_window"
  | "num_replicas"
  | "allow_direct"
  | "deny_delete"
  | "deny_purge"
>;

/**
 * The four streams of a hub. Device and command facts are kept without an age limit (the
 * log is the source of truth); telemetry and dead letters age out. A two-minute duplicate
 * window lets a publisher retry with the same `Nats-Msg-Id` and be stored once.
 *
 * DEVICES and COMMANDS capture two shapes of subject under one `>`: a device's own
 * (`<ns>.device.<id>.<event>`) and the hub's, one origin token longer (`….operator`,
 * `….hub`), so that one consumer filter (`<ns>.device.<id>.>`) sees both. `applyStreams`
 * widens a stream created before that (`<ns>.device.*.*`) in place.
 */
export function streamDefinitions(
  namespace: string,
  opts: StreamOptions = {},
): Record<StreamKind, ManagedStreamConfig> {
  const s = subjects(namespace);
  const base = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs: -1,
    max_bytes: -1,
    max_msg_size: 64 * 1024,
    duplicate_window: 120 * SECOND_NS,
    num_replicas: opts.replicas ?? 1,
    allow_direct: true,
    deny_delete: true,
    deny_purge: false,
  };
  const def = (kind: StreamKind, description: string, maxAgeNs: number): ManagedStreamConfig => ({
    ...base,
    name: streamName(namespace, kind),
    subjects: [...s.streamSubjects[kind]],
    description,
    max_age: maxAgeNs,
  });
  return {
    devices: def("devices", "Device registry and status facts", 0),
    telemetry: def("telemetry", "Device metric readings", (opts.telemetryDays ?? 30) * DAY_NS),
    commands: def("commands", "Command lifecycle facts", 0),
    deadletter: def(
      "deadletter",
      "Events a projection could not accept, with the reason",
      (opts.deadLetterDays ?? 30) * DAY_NS,
    ),
  };
}

export const streamKinds = StreamKinds;
