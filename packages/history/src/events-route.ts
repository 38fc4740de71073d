import { Hono } from "hono";
import { isReplayQueryError, ReplayQueryError } from "./errors.ts";
import type { LogDeps } from "./log-deps.ts";
import { ndjsonFormat } from "./ndjson-format.ts";
import { openReplay } from "./open-replay.ts";
import type { QueryFieldNames, ReplayQuery } from "./replay-plan.ts";
import { parseTimeSpec } from "./time-spec.ts";

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

const DEFAULT_LIMIT = 1_000;
const MAX_LIMIT = 10_000;
const CHUNK_CHARS = 16 * 1024;

function positiveInt(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ReplayQueryError(field, "integer", `must be a whole number ≥ 1 (got "${value}")`);
  return n;
}

/** Reads the query string into a ReplayQuery (a page: `limit` defaults to 1000, at most 10000). */
export function eventsQuery(
  q: (name: string) => string | undefined,
  all: (name: string) => string[],
): ReplayQuery {
  const limit = positiveInt(q("limit"), "limit") ?? DEFAULT_LIMIT;
  if (limit > MAX_LIMIT)
    throw new ReplayQueryError("limit", "max", `must be at most ${MAX_LIMIT} (got ${limit})`);
  const types = all("type")
    .flatMap((t) => t.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  const since = q("since");
  const until = q("until");
  const fromSeq = positiveInt(q("from_seq"), "from_seq");
  const toSeq = positiveInt(q("to_seq"), "to_seq");
  return {
    limit,
    ...(q("stream") ? { stream: q("stream") } : {}),
    ...(q("device") ? { device: q("device") } : {}),
    ...(types.length > 0 ? { types } : {}),
    ...(fromSeq !== undefined ? { fromSeq } : {}),
    ...(toSeq !== undefined ? { toSeq } : {}),
    ...(since ? { since: parseTimeSpec(since, "since") } : {}),
    ...(until ? { until: parseTimeSpec(until, "until") } : {}),
  };
}

/**
 * `GET /` of the events API, to mount at `/api/v1/events` behind the `read` scope: the same
 * filters as `uaip replay` (`stream`, `device` id or glob, `type` (repeat or comma-separate),
 * `from_seq`, `to_seq`, `since`, `until` as ISO times or durations like `6h`, `limit` ≤ 10000,
 * default 1000), streamed as NDJSON. The body is pulled from the log only as fast as the
 * client reads it. The last line is not an event but the page's end:
 * `{"next": <from_seq of the next page>}`, or `{"next": null}` once the log's end was reached.
 * A bad parameter is a 400 `application/problem+json` naming it; any other failure (NATS
 * unreachable) is thrown to the host app's error handler.
 *
 * @example
 * app.route("/api/v1/events", eventsRoute({ js, jsm, namespace }));
 * // GET /api/v1/events?device=thermo-*&type=device.status_changed&since=6h&limit=500
 */
export function eventsRoute(deps: LogDeps): Hono {
  // Errors other than a bad query (NATS unreachable) go to the host app's error handler,
  // which knows how to answer them (503), rather than to Hono's plain-text 500.
  const app = new Hono().onError((err) => {
    throw err;
  });
  return app.get("/", async (c) => {
    let query: ReplayQuery;
    let replay: Awaited<ReturnType<typeof openReplay>>;
    try {
      query = eventsQuery(
        (name) => c.req.query(name),
        (name) => c.req.queries(name) ?? [],
      );
      replay = await openReplay(deps, query, { names: apiFieldNames, batch: 256 });
    } catch (err) {
      if (!isReplayQueryError(err)) throw err;
      return c.body(
        JSON.stringify({
          type: "https://uaip.dev/problems/validation",
          title: "Invalid request",
          status: 400,
          detail: `query: ${err.field} (${err.rule}): ${err.detail}`,
          errors: [{ field: err.field, rule: err.rule, message: err.detail }],
        }),
        400,
        { "content-type": "application/problem+json" },
      );
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const iterator = replay.records[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    let count = 0;
    let lastSeq = 0;
    const body = new ReadableStream<Uint8Array>(
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
    return c.body(body, 200, { "content-type": ndjsonFormat.contentType });
  });
}
