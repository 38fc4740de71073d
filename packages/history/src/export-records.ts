import { once } from "node:events";
import type { Writable } from "node:stream";
import { lineBuffer } from "./line-buffer.ts";
import type { RecordFormat } from "./record-format.ts";
import type { ReplayRecord } from "./replay-record.ts";

export interface ExportReport {
  readonly records: number;
  /** Stream sequence of the last record written (0 when none). */
  readonly lastSeq: number;
  readonly seconds: number;
}

/**
 * Writes records to `out` in `format`, waiting for `drain` whenever the stream's buffer is
 * full: a slow disk or a slow reader (`| head`, an HTTP client) slows the replay down
 * instead of growing memory. Does not end `out`.
 *
 * @example
 * const replay = await openReplay(deps, { stream: "devices" });
 * await exportRecords(replay.records, createWriteStream("devices.ndjson"), ndjsonFormat);
 */
export async function exportRecords(
  records: AsyncIterable<ReplayRecord>,
  out: Writable,
  format: RecordFormat,
  onProgress?: (written: number, lastSeq: number) => void,
): Promise<ExportReport> {
  const started = performance.now();
  const lines = lineBuffer();
  let count = 0;
  let lastSeq = 0;
  const write = async (chunk: Uint8Array) => {
    if (chunk.length > 0 && !out.write(chunk)) await drained(out);
  };
  if (format.header !== undefined) lines.add(format.header);
  for await (const record of records) {
    const full = lines.add(format.line(record));
    count++;
    lastSeq = record.seq;
    if (full) {
      await write(full);
      onProgress?.(count, lastSeq);
    }
  }
  await write(lines.take());
  onProgress?.(count, lastSeq);
  return { records: count, lastSeq, seconds: (performance.now() - started) / 1000 };
}

/** Resolves on `drain`; rejects if the stream fails or closes first (e.g. `| head` exited). */
async function drained(out: Writable): Promise<void> {
  const ac = new AbortController();
  try {
    await Promise.race([
      once(out, "drain", { signal: ac.signal }),
      once(out, "close", { signal: ac.signal }).then(() => {
        throw Object.assign(new Error("output closed"), { code: "EPIPE" });
      }),
    ]);
  } finally {
    ac.abort();
  }
}
