import * as v from "valibot";
import { catalog, type EventType, EventTypes, type StreamKind } from "./catalog.ts";

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
}

const deviceTypeByToken = new Map<string, EventType>();
const commandTypeByToken = new Map<string, EventType>();
for (const type of EventTypes) {
  const def = catalog[type];
  if (def.stream === "devices") deviceTypeByToken.set(def.subjectToken, type);
  if (def.stream === "commands") commandTypeByToken.set(def.subjectToken, type);
}

/**
 * Subject builders and the parser for one namespace. A device's own subjects all carry its
 * id in the third token, which is what makes per-device NATS permissions possible.
 *
 * @example
 * const s = subjects("uaip");
 * s.forEvent({ type: "device.status_changed", deviceId: "thermo-42" }); // uaip.device.thermo-42.status
 * s.parse("uaip.telemetry.thermo-42"); // { type: "telemetry.reported", deviceId: "thermo-42" }
 */
export function subjects(namespace: string) {
  const ns = namespace;
  return {
    namespace: ns,
    device: (deviceId: string, token: string) => `${ns}.device.${deviceId}.${token}`,
    telemetry: (deviceId: string) => `${ns}.telemetry.${deviceId}`,
    command: (deviceId: string, commandId: string, token: string) =>
      `${ns}.command.${deviceId}.${commandId}.${token}`,
    /** Core (not JetStream) subject on which a device answers command requests. */
    inbox: (deviceId: string) => `${ns}.inbox.${deviceId}`,
    deadLetter: (projection: string) => `${ns}.dlq.${projection}`,
    /** The subject filter each stream captures. */
    streamSubjects: {
      devices: `${ns}.device.*.*`,
      telemetry: `${ns}.telemetry.*`,
      commands: `${ns}.command.*.*.*`,
      deadletter: `${ns}.dlq.>`,
    } satisfies Record<StreamKind, string>,

    forEvent(e: { type: EventType; deviceId: string; data?: unknown }): string {
      const def = catalog[e.type];
      if (def.stream === "telemetry") return `${ns}.telemetry.${e.deviceId}`;
      if (def.stream === "commands") {
        const commandId = (e.data as { commandId?: string } | undefined)?.commandId ?? "_";
        return `${ns}.command.${e.deviceId}.${commandId}.${def.subjectToken}`;
      }
      return `${ns}.device.${e.deviceId}.${def.subjectToken}`;
    },

    /** What a subject says about the event on it; undefined when it is not an event subject. */
    parse(subject: string): SubjectInfo | undefined {
      const t = subject.split(".");
      if (t[0] !== ns || t.length < 3) return undefined;
      const deviceId = t[2] as string;
      switch (t[1]) {
        case "device": {
          const type = t.length === 4 ? deviceTypeByToken.get(t[3] as string) : undefined;
          return type && { type, deviceId };
        }
        case "telemetry":
          return t.length === 3 ? { type: "telemetry.reported", deviceId } : undefined;
        case "command": {
          const type = t.length === 5 ? commandTypeByToken.get(t[4] as string) : undefined;
          return type && { type, deviceId, commandId: t[3] as string };
        }
        default:
          return undefined;
      }
    },
  };
}

export type Subjects = ReturnType<typeof subjects>;
