import { describe, expect, it } from "vitest";
import { lineBuffer } from "./line-buffer.ts";

const text = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString("utf8")).join("");

describe("line buffer", () => {
  it("line buffer - hands out full chunks and keeps every line, multi-byte text included", () => {
    const lines = lineBuffer(16);
    const out: Uint8Array[] = [];
    const input = ["héllo", "wörld", "a", "ünïcödé-ünïcödé", "x".repeat(40), "end"];
    for (const l of input) {
      const full = lines.add(l);
      if (full) out.push(full);
    }
    out.push(lines.take());
    expect(text(out)).toBe(`${input.join("\n")}\n`);
    // A chunk is at most 16 bytes unless it carries a line too long for any chunk.
    const oversize = (c: Uint8Array) =>
      Buffer.from(c)
        .toString("utf8")
        .split("\n")
        .some((l) => Buffer.byteLength(l) >= 16);
    expect(out.every((c) => c.length <= 16 || oversize(c))).toBe(true);
    expect(out.length).toBe(3);
  });
});
