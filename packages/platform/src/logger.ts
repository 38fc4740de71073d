import { pino } from "pino";
import type { HubConfig } from "./config.ts";

export type Logger = pino.Logger;

/** Where log lines go: a server's stdout, or stderr for a command whose stdout is its output. */
export type LogDestination = "stdout" | "stderr";

/**
 * JSON lines, one logger per process, children per component. A hub process logs to stdout
 * (a server has no other output); a one-shot command logs to stderr so that its stdout holds
 * only its report, ready for a pipe or `--json`. Writes are synchronous: a command that
 * exits right after logging loses nothing.
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
    { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: destination === "stderr" ? 2 : 1, sync: true }),
  );
}
