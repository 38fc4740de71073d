import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { type LogAggregateOptions, logAggregate } from "./log-aggregate.ts";
import { parseLogLine } from "./log-record.ts";
import type { LogReport } from "./log-report.ts";

/**
 * Reads a log line by line (a file stream or stdin) and reports on it. Memory holds one
 * line and the aggregates, whatever the log's size.
 *
 * @example
 * const report = await analyzeLog(createReadStream("hub.log"), { top: 10 });
 */
export async function analyzeLog(input: Readable, opts: LogAggregateOptions): Promise<LogReport> {
  const agg = logAggregate(opts);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.length === 0) continue;
    const record = parseLogLine(line);
    if (record === undefined) agg.skipped();
    else agg.line(record);
  }
  return agg.report();
}
