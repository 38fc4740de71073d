import { pino } from "pino";
import type { HubConfig } from "./config.ts";

export type Logger = pino.Logger;

/** JSON lines on stdout, one logger per process, children per component. */
export function createLogger(level: HubConfig["logLevel"], service = "uaip"): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
