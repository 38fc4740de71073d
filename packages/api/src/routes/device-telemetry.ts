import { NameTokenSchema } from "@uaip/events";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import { telemetryProjection } from "@uaip/projections";
import { sql } from "kysely";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { assertDeviceKnown } from "../device-reader.ts";
import { TimeQuerySchema } from "../query-schemas.ts";
import { DevicePath } from "./devices.ts";

const buckets = { "1m": 60, "5m": 300, "1h": 3600, "1d": 86_400 } as const;
type Bucket = keyof typeof buckets;
const maxPoints = 10_000;

const TelemetryQuery = v.strictObject({
  metric: v.optional(NameTokenSchema),
  from: v.optional(TimeQuerySchema),
  to: v.optional(TimeQuerySchema),
  bucket: v.optional(v.picklist(Object.keys(buckets) as Bucket[]), "1m"),
});

const PointSchema = v.object({
  at: v.pipe(v.string(), v.isoTimestamp(), v.description("Start of the bucket (UTC)")),
  count: v.number(),
  min: v.number(),
  max: v.number(),
  avg: v.number(),
  sum: v.number(),
  last: v.pipe(v.number(), v.description("The latest reading in the bucket")),
});

const SeriesSchema = v.pipe(
  v.object({
    deviceId: v.string(),
    bucket: v.picklist(Object.keys(buckets) as Bucket[]),
    from: v.pipe(v.string(), v.isoTimestamp()),
    to: v.pipe(v.string(), v.isoTimestamp()),
    series: v.array(v.object({ metric: v.string(), points: v.array(PointSchema) })),
  }),
  v.title("TelemetrySeries"),
);

interface BucketRow {
  metric: string;
  at: Date;
  count: number;
  min: number;
  max: number;
  sum: number;
  last: number;
}

/** `GET /devices/{id}/telemetry`: the per-minute roll-ups re-aggregated into buckets. */
export function deviceTelemetryRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/devices/{id}/telemetry",
      operationId: "getDeviceTelemetry",
      summary: "A device's telemetry roll-ups",
      description: `Count, min, max, average, sum and last reading per metric and bucket (1m, 5m, 1h, 1d, aligned to UTC), for \`from\` ≤ minute < \`to\` (default: the last 24 hours). At most ${maxPoints} buckets per series.`,
      tag: "devices",
      scope: "read",
      params: DevicePath,
      query: TelemetryQuery,
      reads: [telemetryProjection],
      responses: {
        200: { description: "One series per metric", schema: SeriesSchema },
        404: { description: "No such device" },
      },
      handler: async (c, { params, query }) => {
        const to = query.to ?? new Date();
        const from = query.from ?? new Date(to.getTime() - 86_400_000);
        const seconds = buckets[query.bucket];
        if (from >= to) {
          throw problems.validation(
            [{ field: "from", rule: "range", message: "must be before `to`" }],
            "query",
          );
        }
        if ((to.getTime() - from.getTime()) / 1000 / seconds > maxPoints) {
          throw problems.validation(
            [
              {
                field: "bucket",
                rule: "max_points",
                message: `from-to spans more than ${maxPoints} buckets of ${query.bucket}: use a larger bucket or a shorter range`,
              },
            ],
            "query",
          );
        }
        const interval = `${seconds} seconds`;
        const { rows } = await sql<BucketRow>`
          SELECT metric,
                 date_bin(${interval}::interval, minute, TIMESTAMPTZ '2000-01-01T00:00:00Z') AS at,
                 sum(count)::bigint AS count, min(min) AS min, max(max) AS max, sum(sum) AS sum,
                 (array_agg(last ORDER BY last_at DESC))[1] AS last
          FROM telemetry_minutes
          WHERE device_id = ${params.id}
            AND minute >= date_bin(${interval}::interval, ${from}::timestamptz, TIMESTAMPTZ '2000-01-01T00:00:00Z')
            AND minute < ${to}
            ${query.metric ? sql`AND metric = ${query.metric}` : sql``}
          GROUP BY metric, at
          ORDER BY metric, at`.execute(s.db);
        if (rows.length === 0) await assertDeviceKnown(s, params.id);
        const series = new Map<string, Record<string, unknown>[]>();
        for (const r of rows) {
          const points = series.get(r.metric) ?? [];
          points.push({
            at: new Date(r.at).toISOString(),
            count: r.count,
            min: r.min,
            max: r.max,
            avg: r.sum / r.count,
            sum: r.sum,
            last: r.last,
          });
          series.set(r.metric, points);
        }
        return c.json({
          deviceId: params.id,
          bucket: query.bucket,
          from: from.toISOString(),
          to: to.toISOString(),
          series: [...series].map(([metric, points]) => ({ metric, points })),
        });
      },
    }),
  ];
}
