import * as v from "valibot";

/** A field of another type than expected counts as absent (other components use the names too). */
const field = <T extends v.GenericSchema>(schema: T) => v.fallback(v.optional(schema), undefined);
const text = field(v.string());
const num = field(v.number());

/** The fields of a hub log line (pino JSON) the analysis reads; any others are ignored. */
const LogRecordSchema = v.looseObject({
  level: num,
  time: field(v.union([v.string(), v.number()])),
  msg: text,
  component: text,
  err: v.optional(v.unknown()),
  // The access-log line's fields (component "http", msg "request").
  method: text,
  route: text,
  path: text,
  status: num,
  durationMs: num,
  requestId: text,
  keyId: field(v.nullable(v.string())),
  client: text,
  projection: text,
  reason: text,
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
