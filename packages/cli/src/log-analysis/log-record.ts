import * as v from "valibot";

/** The fields of a hub log line (pino JSON) the analysis reads; any others are ignored. */
const LogRecordSchema = v.looseObject({
  level: v.optional(v.number()),
  time: v.optional(v.union([v.string(), v.number()])),
  msg: v.optional(v.string()),
  component: v.optional(v.string()),
  err: v.optional(v.unknown()),
  // The access-log line's fields (component "http", msg "request").
  method: v.optional(v.string()),
  route: v.optional(v.string()),
  path: v.optional(v.string()),
  status: v.optional(v.number()),
  durationMs: v.optional(v.number()),
  requestId: v.optional(v.string()),
  keyId: v.optional(v.nullable(v.string())),
  client: v.optional(v.string()),
  projection: v.optional(v.string()),
  reason: v.optional(v.string()),
});
export type LogRecord = v.InferOutput<typeof LogRecordSchema>;

/**
 * One line of a log as JSON, or undefined when it is not a hub log line. A prefix before
 * the first `{` is dropped, so `docker compose logs` (`hub-1  | {…}`) and `kubectl logs
 * --prefix` output read as the bare log.
 *
 * @example
 * parseLogLine('hub-1  | {"level":30,"msg":"listening"}'); // { level: 30, msg: "listening" }
 */
export function parseLogLine(line: string): LogRecord | undefined {
  const start = line.indexOf("{");
  if (start < 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(start === 0 ? line : line.slice(start));
  } catch {
    return undefined;
  }
  const r = v.safeParse(LogRecordSchema, value);
  return r.success ? r.output : undefined;
}

/** The line's time in ms since the epoch (pino writes ISO or epoch ms), or undefined. */
export function recordTime(r: LogRecord): number | undefined {
  if (r.time === undefined) return undefined;
  const t = typeof r.time === "number" ? r.time : Date.parse(r.time);
  return Number.isFinite(t) ? t : undefined;
}

/** The error's message, whichever way it was logged (pino's serialised `err`, or a string). */
export function errorMessage(r: LogRecord): string | undefined {
  const e = r.err;
  if (typeof e === "string") return e;
  if (typeof e === "object" && e !== null && "message" in e && typeof e.message === "string")
    return e.message;
  return undefined;
}
