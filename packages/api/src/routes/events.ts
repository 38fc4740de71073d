import { eventsRoute } from "@uaip/history";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { defineRoute, type Route } from "../route-spec.ts";

const whole = (what: string) =>
  v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,15}$/, "must be a whole number ≥ 1"), v.description(what)),
  );
const time = (what: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.minLength(1),
      v.description(
        `${what}: "now", an ISO 8601 time, or a duration back from now (90s, 15m, 6h, 7d)`,
      ),
    ),
  );

// The shape of the query, checked here; @uaip/history's replay planner checks the meaning
// (known stream, glob, range order) and answers its own 400s in the same problem format.
const EventsQuery = v.object({
  stream: v.optional(
    v.pipe(v.string(), v.description("devices, telemetry or commands (default: all)")),
  ),
  device: v.optional(v.pipe(v.string(), v.description("A device id or a glob like thermo-*"))),
  type: v.optional(v.pipe(v.string(), v.description("Event types, comma-separated (or repeated)"))),
  from_seq: whole("First stream sequence"),
  to_seq: whole("Last stream sequence"),
  since: time("Events stored at or after"),
  until: time("Events stored before"),
  limit: whole("Events per page, at most 10000 (default 1000)"),
});

/** `GET /events`: the log itself, filtered and paged, as NDJSON (the history package's replay). */
export function eventRoutes(s: ApiServices): Route[] {
  // Over the API's bounded JetStream handles, so a stuck NATS fails the request in seconds.
  const replay = s.jsm.then((jsm) => eventsRoute({ js: s.js, jsm, namespace: s.deps.namespace }));
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/events",
      operationId: "listEvents",
      summary: "Events from the log (NDJSON)",
      description:
        'The same filters as `uaip replay`, streamed as one JSON event per line as fast as the client reads. The last line is `{"next": <from_seq of the next page>}`, or `{"next": null}` at the end of the log.',
      tag: "events",
      scope: "read",
      query: EventsQuery,
      needsNats: true,
      responses: {
        200: {
          description: "One event per line, then the page's end",
          contentType: "application/x-ndjson",
          schema: v.string(),
        },
        503: { description: "NATS (the event log) is not reachable; retry after `Retry-After`" },
      },
      handler: async (c) => {
        const app = await replay;
        // The replay opens its consumer before answering: a late answer's body is cancelled.
        return s.nats.whileUp(
          async () => app.request(`/${new URL(c.req.url).search}`, { signal: c.req.raw.signal }),
          (late) => void late.body?.cancel().catch(() => {}),
        );
      },
    }),
  ];
}
