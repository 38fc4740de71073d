import type { RecordFormat } from "./record-format.ts";

/**
 * One JSON object per line (the default): every field of the record, the event nested as
 * it is in the envelope. JSON.stringify escapes newlines, so a record is always one line.
 *
 * @example
 * ndjsonFormat.line(record); // {"stream":"UAIP_DEVICES","seq":7,…,"event":{"id":"…","type":"device.registered",…}}
 */
export const ndjsonFormat: RecordFormat = {
  name: "ndjson",
  contentType: "application/x-ndjson",
  line: (record) => JSON.stringify(record),
};
