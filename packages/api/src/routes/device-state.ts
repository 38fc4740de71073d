import { IsoTimeSchema } from "@uaip/events";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { deviceAt, type Instant } from "../time-travel.ts";
import { DeviceViewSchema, deviceView } from "../views/device-view.ts";
import { DevicePath } from "./devices.ts";

const StateQuery = v.strictObject({
  at: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (s) => /^\d{1,15}$/.test(s) || v.is(IsoTimeSchema, s),
        "must be an ISO 8601 time or a stream sequence (a whole number)",
      ),
      v.transform((s): Instant => (/^\d+$/.test(s) ? { seq: Number(s) } : { time: new Date(s) })),
      v.description("An ISO 8601 time, or a sequence of the devices stream; default: now"),
    ),
  ),
});

const DeviceStateSchema = v.pipe(
  v.object({
    at: v.pipe(v.string(), v.description("The instant asked for, as given (or `now`)")),
    seq: v.pipe(v.number(), v.description("Sequence of the last event folded")),
    storedAt: v.pipe(v.string(), v.isoTimestamp(), v.description("When that event was stored")),
    events: v.pipe(v.number(), v.description("How many events were folded")),
    device: DeviceViewSchema,
  }),
  v.title("DeviceState"),
);

/** `GET /devices/{id}/state?at=`: time travel, by folding the device's events from the log. */
export function deviceStateRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/devices/{id}/state",
      operationId: "getDeviceStateAt",
      summary: "A device as it was at an instant",
      description:
        "Folds the device's events from the devices stream, up to the instant, with the same fold the devices projection uses. Costs a read of the device's history: for the current state use GET /devices/{id}.",
      tag: "devices",
      scope: "read",
      params: DevicePath,
      query: StateQuery,
      needsNats: true,
      responses: {
        200: { description: "The device at that instant", schema: DeviceStateSchema },
        404: { description: "The device had no event by then" },
        503: { description: "NATS (the event log) is not reachable; retry after `Retry-After`" },
      },
      handler: async (c, { params, query }) => {
        const at: Instant = query.at ?? { time: new Date() };
        const jsm = await s.jsm;
        const found = await s.nats.whileUp(() =>
          deviceAt(s.js, jsm, s.deps.namespace, params.id, at),
        );
        if (!found)
          throw problems.notFound(`device "${params.id}" had no event by ${describe(at)}`);
        return c.json({
          at: c.req.query("at") ?? "now",
          seq: found.seq,
          storedAt: found.storedAt.toISOString(),
          events: found.events,
          device: deviceView(found.row),
        });
      },
    }),
  ];
}

function describe(at: Instant): string {
  return "seq" in at ? `sequence ${at.seq}` : at.time.toISOString();
}
