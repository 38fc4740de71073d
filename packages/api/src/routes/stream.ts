import { catalog, DeviceIdSchema, type EventType, EventTypes, NameTokenSchema } from "@uaip/events";
import { defineRoute, type Route } from "@uaip/http-kit";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { openDeviceFeed } from "../sse/device-feed.ts";
import { sseBody } from "../sse/sse-body.ts";

const deviceEventTypes = EventTypes.filter((t) => catalog[t].stream === "devices");
const Sequence = v.pipe(
  v.string(),
  v.regex(/^\d{1,15}$/, "must be a stream sequence (a whole number)"),
);

const StreamQuery = v.strictObject({
  device: v.optional(DeviceIdSchema),
  type: v.optional(v.pipe(NameTokenSchema, v.description("Device type, e.g. smart-bulb"))),
  event: v.optional(
    v.pipe(
      v.string(),
      v.transform((s) => s.split(",").map((t) => t.trim())),
      v.array(v.picklist(deviceEventTypes, `must be among ${deviceEventTypes.join(", ")}`)),
      v.description(`Comma-separated event types among ${deviceEventTypes.join(", ")}`),
    ),
  ),
  last_event_id: v.optional(
    v.pipe(Sequence, v.description("Resume after this sequence (as the Last-Event-ID header)")),
  ),
});

const StreamHeaders = v.object({
  "last-event-id": v.optional(Sequence),
});

/** `GET /stream`: device events as Server-Sent Events, live and resumable. */
export function streamRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/stream",
      operationId: "streamDeviceEvents",
      summary: "Live device events (Server-Sent Events)",
      description: `Events of the devices stream as they are stored, optionally for one device, one device type or some event types. Each event's \`id\` is its stream sequence: reconnecting with \`Last-Event-ID\` (or \`last_event_id\`) resumes right after it, with no gap and no repeat; without it the stream starts from now. A comment line is sent every ${Math.round(s.options.sse.heartbeatMs / 1000)} s. A client that reads too slowly is disconnected and should resume.`,
      tag: "events",
      scope: "read",
      query: StreamQuery,
      needsNats: true,
      headers: StreamHeaders,
      streaming: true,
      responses: {
        200: {
          description: "`text/event-stream`; each `data` is `{seq, subject, storedAt, event}`",
          contentType: "text/event-stream",
          schema: v.string(),
        },
        503: {
          description:
            "NATS (the event log) is not reachable when the stream opens. An open stream stays open through an outage (heartbeats go on) and resumes when NATS is back",
        },
      },
      handler: async (c, { query, headers }) => {
        const resume = headers["last-event-id"] ?? query.last_event_id;
        const feed = await s.nats.whileUp(
          () =>
            openDeviceFeed(
              s.js,
              s.db,
              s.deps.namespace,
              {
                ...(query.device !== undefined && { device: query.device }),
                ...(query.type !== undefined && { deviceType: query.type }),
                ...(query.event !== undefined && { eventTypes: query.event as EventType[] }),
              },
              resume === undefined ? undefined : Number(resume),
            ),
          (late) => void late.close(),
        );
        const body = sseBody(feed, { ...s.options.sse, logger: s.deps.logger });
        return c.body(body, 200, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
          connection: "keep-alive",
          "x-accel-buffering": "no",
        });
      },
    }),
  ];
}
