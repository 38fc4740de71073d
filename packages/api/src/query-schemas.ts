import { IsoTimeSchema } from "@uaip/events";
import * as v from "valibot";

/** `limit`: a whole number from 1 to `max`, `fallback` when absent. */
export function limitSchema(fallback: number, max: number) {
  const rule = `must be a whole number from 1 to ${max}`;
  return v.optional(
    v.pipe(
      v.string(),
      v.description(`Items per page, 1 to ${max} (default ${fallback})`),
      v.regex(/^\d{1,6}$/, rule),
      v.transform(Number),
      v.minValue(1, rule),
      v.maxValue(max, rule),
    ),
    String(fallback),
  );
}

/** `cursor`: the `next` of the previous page. */
export const CursorSchema = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]{1,1024}$/, "must be the `next` value of a previous page"),
    v.description("The `next` value of the previous page"),
  ),
);

/** An ISO 8601 time in a query string, as a Date. */
export const TimeQuerySchema = v.pipe(
  IsoTimeSchema,
  v.transform((s) => new Date(s)),
);

/** The body of a page: its items and the cursor of the next page (null on the last). */
export function pageSchema<T extends v.GenericSchema>(item: T, title: string) {
  return v.pipe(
    v.object({
      items: v.array(item),
      next: v.pipe(
        v.nullable(v.string()),
        v.description("Pass as `cursor` for the next page; null on the last page"),
      ),
    }),
    v.title(title),
  );
}

/** Longest `?wait=` a long-poll may ask for. */
export const MaxWaitMs = 60_000;

/** `wait`: seconds (`30`, `2.5`) or a duration (`500ms`, `10s`), at most 60 s; in ms. */
export const WaitQuerySchema = v.pipe(
  v.string(),
  v.description("Seconds (30, 2.5) or a duration (500ms, 10s), at most 60 s"),
  v.regex(/^\d{1,6}(\.\d{1,3})?(ms|s)?$/, "must be seconds (30, 2.5) or a duration (500ms, 10s)"),
  v.transform((s) =>
    s.endsWith("ms") ? Number(s.slice(0, -2)) : Number(s.replace(/s$/, "")) * 1000,
  ),
  v.maxValue(MaxWaitMs, "must be at most 60 seconds"),
);
