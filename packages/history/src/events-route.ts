import { defineRoute, type Route } from "@uaip/http-kit";
import * as v from "valibot";
import { EventsQuerySchema } from "./events-query.ts";
import type { LogDeps } from "./log-deps.ts";
import { ndjsonFormat } from "./ndjson-format.ts";
import { openReplay, type Replay } from "./open-replay.ts";
import type { QueryFieldNames } from "./replay-plan.ts";
import { replayProblem } from "./replay-problem.ts";

/** Query parameter names of `GET /api/v1/events`, as errors name them. */
export const apiFieldNames: QueryFieldNames = {
  stream: "stream",
  device: "device",
  types: "type",
  fromSeq: "from_seq",
  toSeq: "to_seq",
  since: "since",
  until: "until",
  limit: "limit",
};

const CHUNK_CHARS = 16 * 1024;

export interface EventsRouteDeps {
  /** The log to read (or the promise of it, while the host's JetStream manager is made). */
  readonly log: LogDeps | PromiseLike<LogDeps>;
  /**
   * Runs the opening of each replay, e.g. so that a NATS connection dropping meanwhile fails
   * the request at once (the API's `NatsLink.whileUp`); a replay opened too late is given
   * to `onLate`, which closes it. Default: the opening as is.
   */
  readonly guard?: (open: () => Promise<Replay>, onLate: (late: Replay) => void) => Promise<Replay>;
}

/**
 * `GET /api/v1/events`, declared for the HTTP kit: the same filters as `uaip replay`
 * (`stream`, `device` id or glob, `type` (repeat or comma-separate), `from_seq`, `to_seq`,
 * `since`, `until` as ISO times or durations like `6h`, `limit` ≤ 10000, default 1000),
 * streamed as NDJSON. The body is pulled from the log only as fast as the client reads it.
 * The last line is not an event but the page's end: `{"next": <from_seq of the next
 * page>}`, or `{"next": null}` once the log's end was reached. A bad parameter is a 400
 * problem naming it (the query's schema, or the replay planner's ReplayQueryError); any
 * other failure (NATS unreachable) goes to the app's error handler.
 *
 * @example
 * mountRoutes(app, [eventsRoute({ log: { js, jsm, namespace } })], { namespace });
 * // GET /api/v1/events?device=thermo-*&type=device.status_changed&since=6h&limit=500
 */
export function eventsRoute(deps: EventsRouteDeps): Route {
  return defineRoute({
    method: "get",
    path: "/api/v1/events",
    operationId: "listEvents",
    summary: "Events from the log (NDJSON)",
    description:
      'The same filters as `uaip replay`, streamed as one JSON event per line as fast as the client reads. The last line is `{"next": <from_seq of the next page>}`, or `{"next": null}` at the end of the log.',
    tag: "events",
    scope: "read",
    query: EventsQuerySchema,
    listQuery: ["type"],
    needsNats: true,
    responses: {
      200: {
        description: "One event per line, then the page's end",
        contentType: ndjsonFormat.contentType,
        schema: v.string(),
      },
      503: { description: "NATS (the event log) is not reachable; retry after `Retry-After`" },
    },
    problems: replayProblem,
    handler: async (c, { query }) => {
      const log = await deps.log;
      // The replay opens its consumer before answering: a late one is closed unread.
      const open = () => openReplay(log, query, { names: apiFieldNames, batch: 256 });
      const replay = await (deps.guard?.(open, closeUnread) ?? open());
      return c.body(ndjsonPage(replay, query.limit), 200, {
        "content-type": ndjsonFormat.contentType,
      });
    },
  });
}

function closeUnread(replay: Replay): void {
  void replay.records[Symbol.asyncIterator]()
    .return?.(undefined)
    ?.catch(() => {});
}

/** The records as NDJSON, pulled as the client reads, then the line naming the next page. */
function ndjsonPage(replay: Replay, limit: number): ReadableStream<Uint8Array> {
  const iterator = replay.records[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let count = 0;
  let lastSeq = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk = "";
        while (chunk.length < CHUNK_CHARS) {
          const next = await iterator.next();
          if (next.done) {
            const more = count >= limit;
            chunk += `${JSON.stringify({ next: more ? lastSeq + 1 : null })}\n`;
            controller.enqueue(encoder.encode(chunk));
            controller.close();
            return;
          }
          count++;
          lastSeq = next.value.seq;
          chunk += `${ndjsonFormat.line(next.value)}\n`;
        }
        controller.enqueue(encoder.encode(chunk));
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
