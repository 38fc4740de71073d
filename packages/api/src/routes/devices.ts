import { DeviceIdSchema, DeviceStatuses, NameTokenSchema } from "@uaip/events";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import { devicesProjection } from "@uaip/projections";
import { sql } from "kysely";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { readDevicesById } from "../device-reader.ts";
import { selectDeviceRows, toDeviceRow } from "../device-rows.ts";
import { CursorSchema, limitSchema, pageSchema } from "../query-schemas.ts";
import { DeviceViewSchema, deviceView } from "../views/device-view.ts";

export const DevicePath = v.object({ id: DeviceIdSchema });

const ListQuery = v.strictObject({
  status: v.optional(v.picklist([...DeviceStatuses, "unknown"])),
  type: v.optional(NameTokenSchema),
  tag: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
  location: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  q: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(128),
      v.description("Part of the name, case-insensitive"),
    ),
  ),
  include_decommissioned: v.optional(v.picklist(["true", "false"]), "false"),
  limit: limitSchema(100, 500),
  cursor: CursorSchema,
});

const BatchGetBody = v.strictObject({
  ids: v.pipe(
    v.array(DeviceIdSchema),
    v.minLength(1, "must name at least one id"),
    v.maxLength(1000, "must name at most 1000 ids"),
  ),
});

const BatchGetResult = v.pipe(
  v.object({
    items: v.array(DeviceViewSchema),
    missing: v.pipe(v.array(v.string()), v.description("Requested ids no device has")),
  }),
  v.title("DeviceBatch"),
);

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** Queries over the `devices` projection (Redis first where it is cached). */
export function deviceRoutes(s: ApiServices): Route[] {
  const reads = [devicesProjection];
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/devices",
      operationId: "listDevices",
      summary: "List devices",
      description:
        "Filtered by status, type, tag, location and a name search, ordered by id, one page at a time: pass `next` as `cursor` for the following page. Decommissioned devices are left out unless `include_decommissioned=true`.",
      tag: "devices",
      scope: "read",
      query: ListQuery,
      reads,
      responses: {
        200: {
          description: "A page of devices",
          schema: pageSchema(DeviceViewSchema, "DevicePage"),
        },
      },
      handler: async (c, { query }) => {
        let q = selectDeviceRows(s.db)
          .orderBy("id")
          .limit(query.limit + 1);
        if (query.status) q = q.where("status", "=", query.status);
        if (query.type) q = q.where("type", "=", query.type);
        if (query.location) q = q.where("location", "=", query.location);
        if (query.tag) q = q.where(sql<boolean>`tags @> ${sql.val([query.tag])}::text[]`);
        if (query.q) q = q.where(sql<boolean>`name ILIKE ${likePattern(query.q)}`);
        if (query.include_decommissioned !== "true") q = q.where("decommissioned_at", "is", null);
        if (query.cursor) q = q.where("id", ">", String(decodeCursor(query.cursor, 1)[0]));
        const rows = await q.execute();
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return c.json({
          items: page.map((r) => deviceView(toDeviceRow(r))),
          next: rows.length > query.limit && last ? encodeCursor([last.id]) : null,
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/devices/{id}",
      operationId: "getDevice",
      summary: "One device",
      description:
        "Registry fields, latest status with reason and time, last seen and version. Served from the Redis cache when it holds the device and is not rebuilding after a data loss, else from PostgreSQL (the newer version of the two when both are at hand); the body is the same either way.",
      tag: "devices",
      scope: "read",
      params: DevicePath,
      reads,
      responses: {
        200: { description: "The device", schema: DeviceViewSchema },
        404: { description: "No such device" },
      },
      handler: async (c, { params, minSeq }) => {
        const row = (await readDevicesById(s, [params.id], minSeq)).get(params.id);
        if (!row) throw problems.notFound(`no device "${params.id}"`);
        return c.json(deviceView(row));
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/devices:batchGet",
      operationId: "batchGetDevices",
      summary: "Many devices by id",
      description:
        "Up to 1,000 ids: the cached ones in one Redis read (not while Redis rebuilds after a data loss), the rest from PostgreSQL in one query. Items come in the order asked, once each; unknown ids are listed in `missing`.",
      tag: "devices",
      scope: "read",
      body: BatchGetBody,
      reads,
      responses: {
        200: { description: "The devices found, and the ids not found", schema: BatchGetResult },
      },
      handler: async (c, { body, minSeq }) => {
        const ids = [...new Set(body.ids)];
        const found = await readDevicesById(s, ids, minSeq);
        return c.json({
          items: ids.flatMap((id) => {
            const row = found.get(id);
            return row ? [deviceView(row)] : [];
          }),
          missing: ids.filter((id) => !found.has(id)),
        });
      },
    }),
  ];
}
