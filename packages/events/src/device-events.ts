import * as v from "valibot";
import { IsoTimeSchema, NameTokenSchema } from "./identifiers.ts";

const TagSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const MetadataSchema = v.record(
  v.pipe(v.string(), v.maxLength(64)),
  v.union([v.pipe(v.string(), v.maxLength(1024)), v.number(), v.boolean(), v.null()]),
);

export const DeviceStatuses = ["online", "offline", "error", "maintenance"] as const;
export type DeviceStatus = (typeof DeviceStatuses)[number];

export const DeviceRegisteredData = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  type: NameTokenSchema,
  capabilities: v.optional(v.pipe(v.array(NameTokenSchema), v.maxLength(64)), []),
  tags: v.optional(v.pipe(v.array(TagSchema), v.maxLength(32)), []),
  location: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256))), null),
  firmware: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64))), null),
  metadata: v.optional(MetadataSchema, {}),
});

export const DeviceUpdatedData = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
    capabilities: v.optional(v.pipe(v.array(NameTokenSchema), v.maxLength(64))),
    tags: v.optional(v.pipe(v.array(TagSchema), v.maxLength(32))),
    location: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(256)))),
    firmware: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(64)))),
    metadata: v.optional(MetadataSchema),
  }),
  v.check((d) => Object.keys(d).length > 0, "must change at least one field"),
);

export const DeviceDecommissionedData = v.strictObject({
  reason: v.optional(v.pipe(v.string(), v.maxLength(512))),
});

export const DeviceStatusChangedData = v.strictObject({
  status: v.picklist(DeviceStatuses),
  reason: v.optional(v.pipe(v.string(), v.maxLength(512))),
  since: v.optional(IsoTimeSchema),
});
