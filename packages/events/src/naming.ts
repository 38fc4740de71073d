import * as v from "valibot";
import { catalog, type EventType, EventTypes, type StreamKind } from "./catalog.ts";
import { type EventSource, EventSources } from "./envelope.ts";

/** A namespace prefixes every subject, stream, consumer and cache key of one hub. */
export const NamespaceSchema = v.pipe(
  v.string(),
  v.regex(
    /^[a-z][a-z0-9_]{0,31}$/,
    "must be 1-32 lowercase letters, digits or '_', starting with a letter",
  ),
);

/** `uaip` + `devices` → `UAIP_DEVICES`. */
export function streamName(namespace: string, kind: StreamKind): string {
  return `${namespace.toUpperCase()}_${kind.toUpperCase()}`;
}

export interface SubjectInfo {
  readonly type: EventType;
  readonly deviceId: string;
  readonly commandId?: string;
  /** Who appended it, as the subject says: no origin token means the device itself. */
  readonly source: EventSource;
}

const deviceTypeByToken = new Map<string, EventType>();
const commandTypeByToken = new Map<string, EventType>();
for (const type of EventTypes) {
  const def = catalog[type];
  if (def.stream === "devices") deviceTypeByToken.set(def.subjectToken, type);
  if (def.stream === "commands") commandTypeByToken.set(def.subjectToken, type);
}

/** Origins that have a subject token of their own: everything the hub appends. */
const hubOrigins = new Set<string>(EventSources.filter((o) => o !== "device"));

/**
 * Subject builders and the parser for one namespace. A device's own subjects all carry its
 * id in the third token, which is what makes per-device NATS permissions possible. What the
 * hub appends (an operator's writes, the dispatcher's and the watchdog's events) carries one
 * more token, its origin (`.operator`, `.hub`), which no device permission allows: so where
 * an event arrived says who produced it, and decoding needs nothing but the subject.
 *
 * @example
 * const s = subjects("uaip");
 * s.forEvent({ type: "device.status_changed", deviceId: "thermo-42" }); // uaip.device.thermo-42.status
 * s.forEvent({ type: "device.registered", deviceId: "thermo-42", source: "operator" }); // uaip.device.thermo-42.registered.operator
 * s.parse("uaip.telemetry.thermo-42"); // { type: "telemetry.reported", deviceId: "thermo-42", source: "device" }
 */
export function subjects(namespace: string) {
  const ns = namespace;
  const withOrigin = (subject: string, source: EventSource) =>
    source === "device" ? subject : `${subject}.${source}`;
  return {
    namespace: ns,
    device: (deviceId: string, token: string, source: EventSource = "device") =>
      withOrigin(`${ns}.device.${deviceId}.${token}`, source),
    telemetry: (deviceId: string) => `${ns}.telemetry.${deviceId}`,
    command: (deviceId: string, commandId: string, token: string, source: EventSource = "device") =>
      withOrigin(`${ns}.command.${deviceId}.${commandId}.${token}`, source),
    /** Core (not JetStream) subject on which a device answers command requests. */
    inbox: (deviceId: string) => `${ns}.inbox.${deviceId}`,
    deadLetter: (projection: string) => `${ns}.dlq.${projection}`,
    /**
     * The subjects each stream captures. DEVICES and COMMANDS take a device's own subjects
     * and the hub's (one origin token longer) under one `>`: NATS 2.9 wants a consumer's
     * one filter to be a subset of one stream subject, and `<ns>.device.<id>.>` must be.
     * Nothing but events may live under `<ns>.device.` and `<ns>.command.` (heartbeats have
     * their own subject); a body on a subject that names no event is refused when decoded.
     */
    streamSubjects: {
      devices: [`${ns}.device.*.>`],
      telemetry: [`${ns}.telemetry.*`],
      commands: [`${ns}.command.*.*.>`],
      deadletter: [`${ns}.dlq.>`],
    } satisfies Record<StreamKind, readonly string[]>,
    /**
     * One consumer filter (NATS 2.9 takes one) for every event of a device — or of all
     * devices, with `*` — in the DEVICES stream, whatever its origin. Narrow by type on the
     * decoded event: no single filter matches both `….status` and `….status.hub`.
     */
    deviceEvents: (deviceId = "*") => `${ns}.device.${deviceId}.>`,
    /** The same for the COMMANDS stream: every event of a device's command(s), any origin. */
    commandEvents: (deviceId = "*", commandId = "*") => `${ns}.command.${deviceId}.${commandId}.>`,

    forEvent(e: {
      type: EventType;
      deviceId: string;
      data?: unknown;
      source?: EventSource;
    }): string {
      const def = catalog[e.type];
      const source = e.source ?? "device";
      if (def.stream === "telemetry") return `${ns}.telemetry.${e.deviceId}`;
      if (def.stream === "commands") {
        const commandId = (e.data as { commandId?: string } | undefined)?.commandId ?? "_";
        return withOrigin(`${ns}.command.${e.deviceId}.${commandId}.${def.subjectToken}`, source);
      }
      return withOrigin(`${ns}.device.${e.deviceId}.${def.subjectToken}`, source);
    },

    /** What a subject says about the event on it; undefined when it is not an event subject. */
    parse(subject: string): SubjectInfo | undefined {
      const t = subject.split(".");
      if (t[0] !== ns || t.length < 3) return undefined;
      const deviceId = t[2] as string;
      // `base` tokens for a device's own subject; one more names a hub origin.
      const originOf = (base: number): EventSource | undefined => {
        if (t.length === base) return "device";
        const last = t[base] as string;
        return t.length === base + 1 && hubOrigins.has(last) ? (last as EventSource) : undefined;
      };
      switch (t[1]) {
        case "device": {
          const source = originOf(4);
          const type = source && deviceTypeByToken.get(t[3] as string);
          return type && source ? { type, deviceId, source } : undefined;
        }
        case "telemetry":
          return t.length === 3
            ? { type: "telemetry.reported", deviceId, source: "device" }
            : undefined;
        case "command": {
          const source = originOf(5);
          const type = source && commandTypeByToken.get(t[4] as string);
          return type && source ? { type, deviceId, commandId: t[3] as string, source } : undefined;
        }
        default:
          return undefined;
      }
    },
  };
}

export type Subjects = ReturnType<typeof subjects>;
