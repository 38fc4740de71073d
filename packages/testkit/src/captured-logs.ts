import { Writable } from "node:stream";
import type { Logger } from "@uaip/platform";
import { pino } from "pino";

/** A logger whose JSON lines a test can read back: `lines` fills as it logs. */
export interface CapturedLogs {
  readonly logger: Logger;
  readonly lines: { level: number; msg: string; [field: string]: unknown }[];
  /** Lines at warn (40) or above. */
  warnings(): { level: number; msg: string }[];
}

/**
 * @example
 * const logs = capturedLogs();
 * Projector.start({ …, logger: logs.logger });
 * expect(logs.warnings()).toEqual([]);
 */
export function capturedLogs(): CapturedLogs {
  const lines: CapturedLogs["lines"] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    logger: pino({ level: "debug" }, sink),
    lines,
    warnings: () => lines.filter((l) => l.level >= 40),
  };
}
