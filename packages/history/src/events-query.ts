import * as v from "valibot";
import type { ReplayQuery } from "./replay-plan.ts";
import { TimeSpecRule, timeSpecAt } from "./time-spec.ts";

/** Events per page of `GET /api/v1/events` when `limit` is not given, and the most it may ask. */
export const EventsPageDefault = 1_000;
export const EventsPageMax = 10_000;

const wholeRule = "must be a whole number ≥ 1";

/** A whole number ≥ 1, as a query string carries it. */
const whole = (what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,15}$/, wholeRule),
    v.description(what),
    v.transform(Number),
    v.minValue(1, (issue) => `${wholeRule} (got "${issue.input}")`),
  );

/** An instant: `now`, an ISO 8601 time or a duration back from now, as a Date. */
const time = (what: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.minLength(1),
      v.description(
        `${what}: "now", an ISO 8601 time, or a duration back from now (90s, 15m, 6h, 7d)`,
      ),
      v.check(
        (s) => timeSpecAt(s) !== undefined,
        (issue) => `${TimeSpecRule} (got "${issue.input}")`,
      ),
      v.transform((s) => timeSpecAt(s) as Date),
    ),
  );

/**
 * The query of `GET /api/v1/events`, parsed once into a ReplayQuery (a page: `limit`
 * defaults to 1000, at most 10000): the shape of every parameter and the instants here;
 * what needs the log (a known stream, a sequence past its end, the order of a range) is
 * checked by the replay planner. An empty `stream`, `device` or `type` is as if absent.
 * `type` is comma-separated, and may be repeated (the route declares it a `listQuery`).
 *
 * @example
 * v.parse(EventsQuerySchema, { device: "thermo-*", since: "6h", limit: "500" });
 * // { limit: 500, device: "thermo-*", since: <6 h ago> }
 */
export const EventsQuerySchema = v.pipe(
  v.object({
    stream: v.optional(
      v.pipe(v.string(), v.description("devices, telemetry or commands (default: all)")),
    ),
    device: v.optional(v.pipe(v.string(), v.description("A device id or a glob like thermo-*"))),
    type: v.optional(
      v.pipe(v.string(), v.description("Event types, comma-separated (or repeated)")),
    ),
    from_seq: v.optional(whole("First stream sequence")),
    to_seq: v.optional(whole("Last stream sequence")),
    since: time("Events stored at or after"),
    until: time("Events stored before"),
    limit: v.optional(
      v.pipe(
        whole("Events per page, at most 10000 (default 1000)"),
        v.maxValue(
          EventsPageMax,
          (issue) => `must be at most ${EventsPageMax} (got ${issue.input})`,
        ),
      ),
    ),
  }),
  v.transform((q): ReplayQuery & { readonly limit: number } => {
    const types = (q.type ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    return {
      limit: q.limit ?? EventsPageDefault,
      ...(q.stream ? { stream: q.stream } : {}),
      ...(q.device ? { device: q.device } : {}),
      ...(types.length > 0 ? { types } : {}),
      ...(q.from_seq !== undefined ? { fromSeq: q.from_seq } : {}),
      ...(q.to_seq !== undefined ? { toSeq: q.to_seq } : {}),
      ...(q.since ? { since: q.since } : {}),
      ...(q.until ? { until: q.until } : {}),
    };
  }),
);
