import { pino } from "pino";
import type { HubConfig } from "./config.ts";
import { activeTraceIds } from "./tracing.ts";

export type Logger = pino.Logger;

/** Where log lines go: a server's stdout, or stderr for a command whose stdout is its output. */
export type LogDestination = "stdout" | "stderr";

/**
 * JSON lines, one logger per process, children per component. A hub process logs to stdout
 * (a server has no other output); a one-shot command logs to stderr so that its stdout holds
 * only its report, ready for a pipe or `--json`. Writes are synchronous: a command that
 * exits right after logging loses nothing. A line written inside a span carries its
 * `trace_id` and `span_id`; an `err` is serialized with its `cause` chain.
 *
 * @example
 * const logger = createLogger("info", "uaip", "stderr");
 */
export function createLogger(
  level: HubConfig["logLevel"],
  service = "uaip",
  destination: LogDestination = "stdout",
): Logger {
  return pino(
    loggerOptions(level, service),
    pino.destination({ fd: destination === "stderr" ? 2 : 1, sync: true }),
  );
}

/** The options of every hub logger (exported for tests that log to a stream of their own). */
export function loggerOptions(level: HubConfig["logLevel"], service: string): pino.LoggerOptions {
  return {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => activeTraceIds() ?? {},
    // The line's own fields first, the trace ids after them; a field given by the caller wins.
    mixinMergeStrategy: (fields, ids) => ({ ...fields, ...ids, ...fields }),
    serializers: { err: pino.stdSerializers.errWithCause },
  };
}
