import { defineRoute, type Route } from "@uaip/http-kit";
import { devicesProjection } from "@uaip/projections";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";

const StatsSchema = v.pipe(
  v.object({
    total: v.pipe(v.number(), v.description("Live (not decommissioned) devices")),
    byStatus: v.record(v.string(), v.number()),
    byType: v.record(v.string(), v.number()),
  }),
  v.title("FleetStats"),
);

/** `GET /stats`: fleet counts kept by the devices projection. */
export function statsRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/stats",
      operationId: "getFleetStats",
      summary: "Fleet counts by status and type",
      description: "Counts of live (not decommissioned) devices, kept by the devices projection.",
      tag: "fleet",
      scope: "read",
      reads: [devicesProjection],
      responses: { 200: { description: "The counts", schema: StatsSchema } },
      handler: async (c) => {
        const rows = await s.db.selectFrom("fleet_stats").selectAll().orderBy("key").execute();
        const pick = (dimension: string) =>
          Object.fromEntries(
            rows.filter((r) => r.dimension === dimension).map((r) => [r.key, r.count]),
          );
        const byStatus = pick("status");
        return c.json({
          total: Object.values(byStatus).reduce((a, b) => a + b, 0),
          byStatus,
          byType: pick("type"),
        });
      },
    }),
  ];
}
