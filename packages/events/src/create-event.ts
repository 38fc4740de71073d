import * as v from "valibot";
import { catalog, type EventData, type EventType } from "./catalog.ts";
import type { EventOf, EventSource } from "./envelope.ts";
import { DeviceIdSchema } from "./identifiers.ts";
import { describeIssues, type FieldIssue, fieldIssues } from "./issues.ts";

/** Thrown when code inside the hub builds an event the catalog does not accept. */
export class InvalidEventError extends Error {
  override readonly name = "InvalidEventError";
  constructor(
    readonly type: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(`invalid ${type} event: ${describeIssues(issues)}`);
  }
}

export type EventInput<T extends EventType> = v.InferInput<(typeof catalog)[T]["data"]>;

/**
 * Builds a validated event in the current schema version, ready to publish.
 *
 * @example
 * const e = createEvent("device.status_changed", "thermo-42", { status: "online" });
 */
export function createEvent<T extends EventType>(
  type: T,
  deviceId: string,
  data: EventInput<T>,
  opts: { id?: string; occurredAt?: Date | string; source?: EventSource } = {},
): EventOf<T> {
  const def = catalog[type];
  const id = v.safeParse(DeviceIdSchema, deviceId);
  if (!id.success) throw new InvalidEventError(type, fieldIssues(id.issues, "deviceId"));
  const parsed = v.safeParse(def.data as v.GenericSchema, data);
  if (!parsed.success) throw new InvalidEventError(type, fieldIssues(parsed.issues, "data"));
  const occurredAt = opts.occurredAt ?? new Date();
  return {
    id: opts.id ?? globalThis.crypto.randomUUID(),
    type,
    v: def.version,
    deviceId,
    occurredAt: typeof occurredAt === "string" ? occurredAt : occurredAt.toISOString(),
    source: opts.source ?? "device",
    data: parsed.output as EventData<T>,
  } as EventOf<T>;
}
