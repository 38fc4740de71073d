/** Collects lines as UTF-8 bytes into chunks of a fixed size. */
export interface LineBuffer {
  /** Adds one line (without its newline); returns a full chunk to write out, if one filled up. */
  add(line: string): Uint8Array | undefined;
  /** The bytes gathered so far (possibly none); starts a new chunk. */
  take(): Uint8Array;
}

/**
 * Encodes each line into a byte chunk as soon as it is made, so the string dies young:
 * gathering strings instead (a 64 KiB concatenation) keeps every line alive across minor
 * GCs, promotes it, and grows the old generation with the size of the export.
 *
 * @example
 * const lines = lineBuffer();
 * for (const r of records) { const full = lines.add(JSON.stringify(r)); if (full) await write(full); }
 * await write(lines.take());
 */
export function lineBuffer(size = 64 * 1024): LineBuffer {
  let chunk = Buffer.allocUnsafe(size);
  let used = 0;
  const take = () => {
    const out = chunk.subarray(0, used);
    chunk = Buffer.allocUnsafe(size);
    used = 0;
    return out;
  };
  return {
    add(line) {
      const bytes = Buffer.byteLength(line) + 1;
      let full: Uint8Array | undefined;
      if (used + bytes > size && used > 0) full = take();
      if (bytes > size) {
        // A line longer than a chunk goes out on its own, after what was gathered.
        const big = Buffer.from(`${line}\n`);
        return full ? Buffer.concat([full, big]) : big;
      }
      used += chunk.write(line, used);
      chunk[used++] = 0x0a;
      return full;
    },
    take,
  };
}
