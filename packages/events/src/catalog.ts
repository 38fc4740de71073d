import type * as v from "valibot";
import {
  CommandAcknowledgedData,
  CommandCancelledData,
  CommandCompletedData,
  CommandDeliveredData,
  CommandExpiredData,
  CommandFailedData,
  CommandIssuedData,
} from "./command-events.ts";
import {
  DeviceDecommissionedData,
  DeviceRegisteredData,
  DeviceStatusChangedData,
  DeviceUpdatedData,
} from "./device-events.ts";
import {
  TelemetryReportedData,
  TelemetryReportedDataV1,
  upcastTelemetryV1,
} from "./telemetry-events.ts";

/** The streams events are kept in; names are derived from the namespace (see naming.ts). */
export const StreamKinds = ["devices", "telemetry", "commands", "deadletter"] as const;
export type StreamKind = (typeof StreamKinds)[number];

/** Turns data of one schema version into the data of the next one. */
export interface Upcaster {
  /** Schema of the older version, so a bad old event is rejected naming its field. */
  readonly schema: v.GenericSchema;
  readonly upcast: (data: never) => unknown;
}

type EventDefinition<S extends v.GenericSchema> = {
  readonly stream: Exclude<StreamKind, "deadletter">;
  /** The last subject token for device and command events (`uaip.device.<id>.<token>`). */
  readonly subjectToken: string;
  readonly version: number;
  readonly description: string;
  readonly data: S;
  /** Keyed by the version they upgrade from. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
  readonly example: v.InferInput<S>;
};

const define = <S extends v.GenericSchema>(d: EventDefinition<S>) => d;

/**
 * Every event type the hub knows, with its current schema version. This table is the
 * single source for validation, types, subjects and the generated docs/events.md.
 * Adding a version: bump `version`, keep the old schema as an upcaster from the old number.
 */
export const catalog = {
  "device.registered": define({
    stream: "devices",
    subjectToken: "registered",
    version: 1,
    description: "A device joined the fleet, declaring its type and the commands it accepts.",
    data: DeviceRegisteredData,
    upcasters: {},
    example: {
      name: "Living room light",
      type: "smart-bulb",
      capabilities: ["set_power", "set_brightness"],
      tags: ["home"],
      location: "living-room",
    },
  }),
  "device.updated": define({
    stream: "devices",
    subjectToken: "updated",
    version: 1,
    description: "Registry fields changed; fields left out keep their value.",
    data: DeviceUpdatedData,
    upcasters: {},
    example: { name: "Kitchen light", tags: ["home", "kitchen"] },
  }),
  "device.decommissioned": define({
    stream: "devices",
    subjectToken: "decommissioned",
    version: 1,
    description: "The device left the fleet for good; it takes no more commands.",
    data: DeviceDecommissionedData,
    upcasters: {},
    example: { reason: "replaced" },
  }),
  "device.status_changed": define({
    stream: "devices",
    subjectToken: "status",
    version: 1,
    description: "The device is now online, offline, in error or in maintenance.",
    data: DeviceStatusChangedData,
    upcasters: {},
    example: { status: "online" },
  }),
  "telemetry.reported": define({
    stream: "telemetry",
    subjectToken: "reported",
    version: 2,
    description: "Named numeric readings. v1 carried one metric per event and is upcast on read.",
    data: TelemetryReportedData,
    upcasters: { 1: { schema: TelemetryReportedDataV1, upcast: upcastTelemetryV1 } },
    example: { metrics: { temperature: 21.5, humidity: 40 } },
  }),
  "command.issued": define({
    stream: "commands",
    subjectToken: "issued",
    version: 1,
    description: "An operator asked the device to do something, until `expiresAt`.",
    data: CommandIssuedData,
    upcasters: {},
    example: {
      commandId: "c-7f3a",
      name: "set_brightness",
      params: { level: 80 },
      expiresAt: "2026-11-21T10:05:00.000Z",
    },
  }),
  "command.delivered": define({
    stream: "commands",
    subjectToken: "delivered",
    version: 1,
    description: "The dispatcher handed the command to the device (attempt n).",
    data: CommandDeliveredData,
    upcasters: {},
    example: { commandId: "c-7f3a", attempt: 1 },
  }),
  "command.acknowledged": define({
    stream: "commands",
    subjectToken: "acknowledged",
    version: 1,
    description: "The device accepted the command and started on it.",
    data: CommandAcknowledgedData,
    upcasters: {},
    example: { commandId: "c-7f3a" },
  }),
  "command.completed": define({
    stream: "commands",
    subjectToken: "completed",
    version: 1,
    description: "The device finished the command; `result` is what its handler returned.",
    data: CommandCompletedData,
    upcasters: {},
    example: { commandId: "c-7f3a", result: { brightness: 80 } },
  }),
  "command.failed": define({
    stream: "commands",
    subjectToken: "failed",
    version: 1,
    description: "The device could not carry the command out.",
    data: CommandFailedData,
    upcasters: {},
    example: { commandId: "c-7f3a", error: { message: "level out of range", code: "RANGE" } },
  }),
  "command.expired": define({
    stream: "commands",
    subjectToken: "expired",
    version: 1,
    description: "The command's time to live passed before it completed.",
    data: CommandExpiredData,
    upcasters: {},
    example: { commandId: "c-7f3a" },
  }),
  "command.cancelled": define({
    stream: "commands",
    subjectToken: "cancelled",
    version: 1,
    description: "An operator withdrew the command; it is never delivered after this.",
    data: CommandCancelledData,
    upcasters: {},
    example: { commandId: "c-7f3a", reason: "no longer needed" },
  }),
} as const;

export type EventType = keyof typeof catalog;
export const EventTypes = Object.keys(catalog) as EventType[];

export type EventData<T extends EventType> = v.InferOutput<(typeof catalog)[T]["data"]>;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(catalog, type);
}
