import * as v from "valibot";

/**
 * A device id is one NATS subject token, so it can sit in `uaip.device.<id>.…` and in a
 * per-device permission without escaping: letters, digits, `_` and `-`.
 */
export const DeviceIdSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'"),
);

/** Command ids travel in subjects too, so they follow the same token rule. */
export const CommandIdSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'"),
);

/** Names of device types, commands and metrics: short identifiers. */
export const NameTokenSchema = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
    "must start with a letter, then 0-63 letters, digits, '_', '.' or '-'",
  ),
);

export const IsoTimeSchema = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp"));

export type DeviceId = v.InferOutput<typeof DeviceIdSchema>;
export type CommandId = v.InferOutput<typeof CommandIdSchema>;
