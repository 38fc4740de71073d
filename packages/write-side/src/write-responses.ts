import { DeviceRegisteredData } from "@uaip/events";
import * as v from "valibot";

// What the write routes answer, for the OpenAPI document (and tests that check real answers).

const time = v.pipe(v.string(), v.isoTimestamp());

/** Where a write was stored; `X-Stream-Sequence: <stream>:<seq>` says the same. */
const StoredEntries = {
  stream: v.pipe(v.string(), v.description("The stream the event was stored in")),
  seq: v.pipe(
    v.number(),
    v.integer(),
    v.description("Its sequence there: send `<stream>:<seq>` as X-Min-Sequence to read it back"),
  ),
};

export const DeviceRegisteredSchema = v.pipe(
  v.object({
    ...StoredEntries,
    device: v.object({
      id: v.string(),
      ...DeviceRegisteredData.entries,
      registeredAt: time,
      version: v.pipe(v.number(), v.integer(), v.description("What If-Match compares to")),
    }),
  }),
  v.title("DeviceRegistered"),
);

export const DeviceUpdatedSchema = v.pipe(
  v.object({
    ...StoredEntries,
    deviceId: v.string(),
    changes: v.pipe(v.record(v.string(), v.unknown()), v.description("The fields changed")),
  }),
  v.title("DeviceUpdated"),
);

export const DeviceDecommissionedSchema = v.pipe(
  v.object({
    ...StoredEntries,
    deviceId: v.string(),
    decommissionedAt: time,
    alreadyDecommissioned: v.pipe(
      v.boolean(),
      v.description("True when this answers an earlier decommissioning (stored once)"),
    ),
  }),
  v.title("DeviceDecommissioned"),
);

export const CommandIssuedSchema = v.pipe(
  v.object({
    ...StoredEntries,
    commandId: v.string(),
    deviceId: v.string(),
    name: v.string(),
    params: v.record(v.string(), v.unknown()),
    expiresAt: time,
    created: v.pipe(
      v.boolean(),
      v.description("False when the Idempotency-Key found the command issued before"),
    ),
    state: v.literal("issued"),
  }),
  v.title("CommandIssued"),
);

export const CommandCancelledSchema = v.pipe(
  v.object({
    ...StoredEntries,
    commandId: v.string(),
    deviceId: v.string(),
    alreadyCancelled: v.pipe(
      v.boolean(),
      v.description("True when this answers an earlier cancellation (stored once)"),
    ),
    state: v.literal("cancelled"),
  }),
  v.title("CommandCancelled"),
);
