import type { RecordFormat } from "./record-format.ts";
import type { ReplayRecord } from "./replay-record.ts";

/** CSV columns, in order; nested values (`data`, `dead_letter`) are JSON text. */
export const csvColumns = [
  "stream",
  "seq",
  "subject",
  "stored_at",
  "id",
  "type",
  "v",
  "device_id",
  "occurred_at",
  "source",
  "data",
  "traceparent",
  "rejected_reason",
  "rejected_message",
  "body",
  "dead_letter",
] as const;

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function cells(r: ReplayRecord): (string | number | undefined)[] {
  const e = r.event;
  return [
    r.stream,
    r.seq,
    r.subject,
    r.storedAt,
    e?.id,
    e?.type,
    e?.v,
    e?.deviceId,
    e?.occurredAt,
    e?.source,
    e ? JSON.stringify(e.data) : undefined,
    r.traceparent,
    r.rejected?.reason,
    r.rejected?.message,
    r.body,
    r.deadLetter ? JSON.stringify(r.deadLetter) : undefined,
  ];
}

/**
 * CSV with a header row (RFC 4180, `\n` line ends). A field holding a line break is quoted,
 * so a record may span lines; parse it with a CSV reader, not line by line.
 *
 * @example
 * csvFormat.header; // "stream,seq,subject,stored_at,id,type,…"
 */
export const csvFormat: RecordFormat = {
  name: "csv",
  contentType: "text/csv; charset=utf-8",
  header: csvColumns.join(","),
  line: (record) => cells(record).map(csvField).join(","),
};
