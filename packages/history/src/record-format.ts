import type { ReplayRecord } from "./replay-record.ts";

/** How replay records become text: an optional header line, then one line per record. */
export interface RecordFormat {
  readonly name: string;
  readonly contentType: string;
  /** First line, without its newline (CSV's column names). */
  readonly header?: string;
  /** One record as one line, without its newline. */
  line(record: ReplayRecord): string;
}
