import * as v from "valibot";
import { IsoTimeSchema, NameTokenSchema } from "./identifiers.ts";
import { TextSchema } from "./text.ts";

const NameSchema = TextSchema({ min: 1, max: 128 });
const TagSchema = TextSchema({ min: 1, max: 64 });
const LocationSchema = TextSchema({ max: 256 });
const FirmwareSchema = TextSchema({ max: 64 });
const MetadataSchema = v.record(
  TextSchema({ max: 64 }),
  v.union([TextSchema({ max: 1024, freeText: true }), v.number(), v.boolean(), v.null()]),
);

/** Why a device was decommissioned or changed status: free text. */
export const ReasonSchema = TextSchema({ max: 512, freeText: true });

export const DeviceStatuses = ["online", "offline", "error", "maintenance"] as const;
export type DeviceStatus = (typeof DeviceStatuses)[number];

export const DeviceRegisteredData = v.strictObject({
  name: NameSchema,
  type: NameTokenSchema,
  capabilities: v.optional(v.pipe(v.array(NameTokenSchema), v.maxLength(64)), []),
  tags: v.optional(v.pipe(v.array(TagSchema), v.maxLength(32)), []),
  location: v.optional(v.nullable(LocationSchema), null),
  firmware: v.optional(v.nullable(FirmwareSchema), null),
  metadata: v.optional(MetadataSchema, {}),
});

export const DeviceUpdatedData = v.pipe(
  v.strictObject({
    name: v.optional(NameSchema),
    capabilities: v.optional(v.pipe(v.array(NameTokenSchema), v.maxLength(64))),
    tags: v.optional(v.pipe(v.array(TagSchema), v.maxLength(32))),
    location: v.optional(v.nullable(LocationSchema)),
    firmware: v.optional(v.nullable(FirmwareSchema)),
    metadata: v.optional(MetadataSchema),
  }),
  v.check((d) => Object.keys(d).length > 0, "must change at least one field"),
);

export const DeviceDecommissionedData = v.strictObject({
  reason: v.optional(ReasonSchema),
});

export const DeviceStatusChangedData = v.strictObject({
  status: v.picklist(DeviceStatuses),
  reason: v.optional(ReasonSchema),
  since: v.optional(IsoTimeSchema),
});
