import * as v from "valibot";
import type { EventData, EventType } from "./catalog.ts";
import { DeviceIdSchema, IsoTimeSchema } from "./identifiers.ts";
import { TextSchema } from "./text.ts";

/**
 * Who appended an event: the device itself, an operator through the API, or the hub
 * (dispatcher, presence watchdog). Only a device's own events count as "seen". It is never
 * taken from the body: the subject says it (see naming.ts), because per-device NATS
 * permissions let a device publish only on its own subjects, which carry no origin token.
 */
export const EventSources = ["device", "operator", "hub"] as const;
export type EventSource = (typeof EventSources)[number];

/**
 * The envelope as it may arrive from any client. Everything but `data` may be left out by
 * a plain NATS client: the decoder fills id, type, device id and time from the headers,
 * the subject and the stream (see decode.ts).
 */
export const IncomingEnvelopeSchema = v.looseObject({
  id: v.optional(TextSchema({ min: 1, max: 128 })),
  type: v.optional(v.string()),
  v: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  deviceId: v.optional(DeviceIdSchema),
  occurredAt: v.optional(IsoTimeSchema),
  /** If present, must be what the subject says (a body cannot make itself an operator's). */
  source: v.optional(v.picklist(EventSources)),
  data: v.unknown(),
});

/** One event in its current schema version. */
export type DeviceEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    v: number;
    deviceId: string;
    occurredAt: string;
    source: EventSource;
    data: EventData<T>;
  };
}[EventType];

export type EventOf<T extends EventType> = Extract<DeviceEvent, { type: T }>;

/** An event as read back from the log, with where and when JetStream stored it. */
export interface RecordedEvent<E extends DeviceEvent = DeviceEvent> {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  readonly storedAt: Date;
  readonly traceparent?: string;
  readonly event: E;
}
