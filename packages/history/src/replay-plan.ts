import { DeliverPolicy } from "@nats-io/jetstream";
import {
  catalog,
  type EventType,
  isEventType,
  type StreamKind,
  StreamKinds,
  streamName,
  subjects,
} from "@uaip/events";
import { deviceMatcher } from "./device-glob.ts";
import { ReplayQueryError } from "./errors.ts";

/** What an analyst asks of the log; every field optional. */
export interface ReplayQuery {
  /** A stream kind (`devices`) or its full name (`UAIP_DEVICES`); inferred from `types`, else `devices`. */
  readonly stream?: string;
  /** One device id or a glob (`thermo-*`). */
  readonly device?: string;
  /** Event types (`device.status_changed`); all in one stream. */
  readonly types?: readonly string[];
  /** First and last stream sequence, inclusive. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** Stream (stored) time range, inclusive. */
  readonly since?: Date;
  readonly until?: Date;
  /** Most records to return. */
  readonly limit?: number;
  /** Keep reading live events after the end. */
  readonly follow?: boolean;
}

/** How the option names read where the query came from (CLI flags by default). */
export type QueryFieldNames = Record<
  "stream" | "device" | "types" | "fromSeq" | "toSeq" | "since" | "until" | "limit",
  string
>;

export const cliFieldNames: QueryFieldNames = {
  stream: "--stream",
  device: "--device",
  types: "--type",
  fromSeq: "--from-seq",
  toSeq: "--to-seq",
  since: "--since",
  until: "--until",
  limit: "--limit",
};

/** The stream's extent when the replay starts. */
export interface StreamExtent {
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** Where the replay starts, as consumer options (openReplay reads from there with readLog). */
export type ReplayStart =
  | { readonly deliver_policy: typeof DeliverPolicy.All }
  | { readonly deliver_policy: typeof DeliverPolicy.StartSequence; readonly opt_start_seq: number }
  | { readonly deliver_policy: typeof DeliverPolicy.StartTime; readonly opt_start_time: string };

/** A checked query, ready to read: one subject filter for the server, the rest client-side. */
export interface ReplayPlan {
  readonly kind: StreamKind;
  readonly stream: string;
  /** One subject (NATS 2.9 takes one filter per consumer). */
  readonly filterSubject: string;
  readonly start: ReplayStart;
  /** Checks the subject cannot express (device globs, several types, dead letters). */
  readonly matches: (subject: { deviceId?: string; type?: string }) => boolean;
  readonly fromSeq?: number;
  readonly toSeq?: number;
  readonly since?: Date;
  readonly until?: Date;
  readonly limit?: number;
  readonly follow: boolean;
}

/** The stream a query reads, before its extent is known (so an unknown one fails first). */
export function replayStreamKind(
  query: ReplayQuery,
  namespace: string,
  names: QueryFieldNames = cliFieldNames,
): StreamKind {
  const types = checkTypes(query.types, names);
  if (query.stream !== undefined) {
    const wanted = query.stream.trim();
    const kind = StreamKinds.find(
      (k) => k === wanted.toLowerCase() || streamName(namespace, k) === wanted,
    );
    if (!kind) {
      throw new ReplayQueryError(
        names.stream,
        "stream",
        `unknown stream "${wanted}": one of ${StreamKinds.join(", ")} (or ${StreamKinds.map((k) => streamName(namespace, k)).join(", ")})`,
      );
    }
    if (kind !== "deadletter") {
      for (const t of types) {
        if (catalog[t].stream !== kind)
          throw new ReplayQueryError(
            names.types,
            "stream",
            `"${t}" is kept in the ${catalog[t].stream} stream, not ${kind}`,
          );
      }
    }
    return kind;
  }
  const kinds = [...new Set(types.map((t) => catalog[t].stream))];
  if (kinds.length > 1) {
    throw new ReplayQueryError(
      names.types,
      "stream",
      `types from several streams (${kinds.join(", ")}): replay one stream at a time`,
    );
  }
  return kinds[0] ?? "devices";
}

/**
 * Checks a query against the stream's extent and turns it into a plan: a single subject
 * filter where the subject can say it (the device), client-side checks for the rest (the
 * type, a device glob), and the start position. Throws ReplayQueryError for a range backwards, a sequence past the end, an
 * unknown stream or type.
 *
 * @example
 * planReplay({ device: "thermo-42", types: ["device.status_changed"] }, "uaip", { firstSeq: 1, lastSeq: 900 });
 * // { stream: "UAIP_DEVICES", filterSubject: "uaip.device.thermo-42.>", … }
 */
export function planReplay(
  query: ReplayQuery,
  namespace: string,
  extent: StreamExtent,
  names: QueryFieldNames = cliFieldNames,
): ReplayPlan {
  const kind = replayStreamKind(query, namespace, names);
  const types = checkTypes(query.types, names);
  const device = deviceMatcher(query.device, names.device);
  const follow = query.follow ?? false;
  checkRanges(query, extent, follow, names);

  const ns = subjects(namespace);
  // One filter per consumer (NATS 2.9), and none matches both a device's own subject and the
  // hub's (one origin token longer): the type is checked client-side.
  const filterSubject = {
    devices: ns.deviceEvents(device.subjectToken),
    telemetry: `${namespace}.telemetry.${device.subjectToken}`,
    commands: ns.commandEvents(device.subjectToken),
    deadletter: ns.streamSubjects.deadletter[0] as string,
  }[kind];
  // Dead letters keep the original subject in a header: device and type are checked on it.
  const typeSet = new Set<string>(types);
  const needsType = types.length > 0;
  const needsDevice =
    kind === "deadletter" ? query.device !== undefined : device.test !== undefined;
  const deviceTest =
    device.test ?? ((id: string) => device.subjectToken === "*" || id === device.subjectToken);
  const matches = (s: { deviceId?: string; type?: string }) =>
    (!needsType || (s.type !== undefined && typeSet.has(s.type))) &&
    (!needsDevice || (s.deviceId !== undefined && deviceTest(s.deviceId)));

  return {
    kind,
    stream: streamName(namespace, kind),
    filterSubject,
    start: startOf(query),
    matches,
    follow,
    ...(query.fromSeq !== undefined ? { fromSeq: query.fromSeq } : {}),
    ...(query.toSeq !== undefined ? { toSeq: query.toSeq } : {}),
    ...(query.since ? { since: query.since } : {}),
    ...(query.until ? { until: query.until } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
  };
}

function checkTypes(types: readonly string[] | undefined, names: QueryFieldNames): EventType[] {
  const out: EventType[] = [];
  for (const t of types ?? []) {
    if (!isEventType(t)) {
      throw new ReplayQueryError(
        names.types,
        "catalog",
        `unknown event type "${t}": one of ${Object.keys(catalog).join(", ")}`,
      );
    }
    out.push(t);
  }
  return out;
}

function checkRanges(
  q: ReplayQuery,
  extent: StreamExtent,
  follow: boolean,
  names: QueryFieldNames,
): void {
  const positive = (v: number | undefined, field: string) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1))
      throw new ReplayQueryError(field, "integer", `must be a whole number ≥ 1 (got ${v})`);
  };
  positive(q.fromSeq, names.fromSeq);
  positive(q.toSeq, names.toSeq);
  positive(q.limit, names.limit);
  for (const [d, field] of [
    [q.since, names.since],
    [q.until, names.until],
  ] as const) {
    if (d && Number.isNaN(d.getTime()))
      throw new ReplayQueryError(field, "time", "is not a valid time");
  }
  if (q.since && q.until && q.until < q.since) {
    throw new ReplayQueryError(
      names.until,
      "range",
      `${q.until.toISOString()} is before ${names.since} ${q.since.toISOString()}`,
    );
  }
  if (q.fromSeq !== undefined && q.toSeq !== undefined && q.toSeq < q.fromSeq) {
    throw new ReplayQueryError(
      names.toSeq,
      "range",
      `${q.toSeq} is before ${names.fromSeq} ${q.fromSeq}`,
    );
  }
  // With --follow, the sequence right after the end is where live events will land.
  const end = follow ? extent.lastSeq + 1 : extent.lastSeq;
  if (q.fromSeq !== undefined && q.fromSeq > end) {
    throw new ReplayQueryError(
      names.fromSeq,
      "range",
      `${q.fromSeq} is past the end of the stream (last sequence ${extent.lastSeq})`,
    );
  }
}

function startOf(q: ReplayQuery): ReplayStart {
  if (q.fromSeq !== undefined)
    return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: q.fromSeq };
  if (q.since)
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: q.since.toISOString() };
  return { deliver_policy: DeliverPolicy.All };
}
