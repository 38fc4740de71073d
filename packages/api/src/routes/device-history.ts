import { DeviceStatuses } from "@uaip/events";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import { deviceStatusHistoryProjection } from "@uaip/projections";
import { sql } from "kysely";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { assertDeviceKnown } from "../device-reader.ts";
import { CursorSchema, limitSchema, pageSchema, TimeQuerySchema } from "../query-schemas.ts";
import { DevicePath } from "./devices.ts";

const HistoryQuery = v.strictObject({
  from: v.optional(TimeQuerySchema),
  to: v.optional(TimeQuerySchema),
  limit: limitSchema(100, 1000),
  cursor: CursorSchema,
});

const StatusChangeSchema = v.pipe(
  v.object({
    seq: v.pipe(v.number(), v.description("Stream sequence of the status change")),
    status: v.picklist(DeviceStatuses),
    reason: v.nullable(v.string()),
    occurredAt: v.pipe(v.string(), v.isoTimestamp()),
    storedAt: v.pipe(v.string(), v.isoTimestamp()),
  }),
  v.title("StatusChange"),
);

/** `GET /devices/{id}/history`: status changes in a time range, oldest first. */
export function deviceHistoryRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/devices/{id}/history",
      operationId: "getDeviceHistory",
      summary: "A device's status changes",
      description:
        "Status changes with `from` ≤ occurredAt < `to` (either may be left out), in the order they occurred, one page at a time.",
      tag: "devices",
      scope: "read",
      params: DevicePath,
      query: HistoryQuery,
      reads: [deviceStatusHistoryProjection],
      responses: {
        200: {
          description: "A page of status changes",
          schema: pageSchema(StatusChangeSchema, "StatusChangePage"),
        },
        404: { description: "No such device" },
      },
      handler: async (c, { params, query }) => {
        if (query.from && query.to && query.from > query.to) {
          throw problems.validation(
            [{ field: "from", rule: "range", message: "must not be after `to`" }],
            "query",
          );
        }
        let q = s.db
          .selectFrom("device_status_history")
          .selectAll()
          .where("device_id", "=", params.id)
          .orderBy("occurred_at")
          .orderBy("seq")
          .limit(query.limit + 1);
        if (query.from) q = q.where("occurred_at", ">=", query.from);
        if (query.to) q = q.where("occurred_at", "<", query.to);
        if (query.cursor) {
          const [at, seq] = decodeCursor(query.cursor, 2);
          q = q.where(sql<boolean>`(occurred_at, seq) > (${new Date(String(at))}, ${Number(seq)})`);
        }
        const rows = await q.execute();
        if (rows.length === 0 && !query.cursor) await assertDeviceKnown(s, params.id);
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const iso = (d: Date | string) => new Date(d).toISOString();
        return c.json({
          items: page.map((r) => ({
            seq: r.seq,
            status: r.status,
            reason: r.reason,
            occurredAt: iso(r.occurred_at),
            storedAt: iso(r.stored_at),
          })),
          next:
            rows.length > query.limit && last
              ? encodeCursor([iso(last.occurred_at), last.seq])
              : null,
        });
      },
    }),
  ];
}
