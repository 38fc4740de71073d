import * as v from "valibot";

/** A duration as typed: `5` (seconds), `5s`, `500ms`, `2m`. */
const duration = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d+(\.\d+)?(ms|s|m)?$/, "must be a duration such as 5, 5s, 500ms or 1m"),
    v.transform((s) => {
      const n = Number.parseFloat(s);
      return s.endsWith("ms") ? n : s.endsWith("m") ? n * 60_000 : n * 1_000;
    }),
    v.minValue(min, `must be at least ${min} ms`),
    v.maxValue(max, `must be at most ${max / 1000} s`),
  );

const whole = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

const httpUrl = v.pipe(
  v.string(),
  v.trim(),
  v.url("must be an http(s) URL"),
  v.check((s) => /^https?:\/\//i.test(s), "must be an http(s) URL"),
  v.transform((s) => s.replace(/\/+$/, "")),
);

const WatchFlagsSchema = v.object({
  hubs: v.pipe(v.array(httpUrl), v.minLength(1, "name at least one hub")),
  interval: duration(100, 3_600_000),
  timeout: duration(100, 600_000),
  failures: whole(1, 10_000),
  count: v.optional(whole(1, 100_000_000)),
  webhook: v.optional(httpUrl),
  exec: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  apiKey: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  once: v.boolean(),
  json: v.boolean(),
});
export type WatchFlags = v.InferOutput<typeof WatchFlagsSchema>;

const flagNames: Record<string, string> = {
  hubs: "URL",
  interval: "--interval",
  timeout: "--timeout",
  failures: "--failures",
  count: "--count",
  webhook: "--webhook",
  exec: "--exec",
  apiKey: "--api-key",
};

/**
 * The watch's flags from what commander parsed: values typed, or one line naming the flag
 * and its rule (thrown as `Error`; the command turns it into a usage error, exit code 2).
 *
 * @example
 * parseWatchFlags({ hubs: ["http://127.0.0.1:8443"], interval: "5s", timeout: "5s", failures: "3", once: false, json: false });
 */
export function parseWatchFlags(raw: Record<string, unknown>): WatchFlags {
  const r = v.safeParse(WatchFlagsSchema, raw);
  if (r.success) return r.output;
  const issue = r.issues[0];
  const key = String(issue.path?.[0]?.key ?? "");
  const got = issue.input === undefined ? "" : ` (got ${JSON.stringify(issue.input)})`;
  throw new Error(`${flagNames[key] ?? key}: ${issue.message}${got}`);
}
