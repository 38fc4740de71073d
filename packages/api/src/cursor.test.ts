import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.ts";

describe("cursor", () => {
  it("cursor - round-trips the sort key and is URL-safe", () => {
    const c = encodeCursor(["2026-11-21T10:00:00.000Z", 42]);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c, 2)).toEqual(["2026-11-21T10:00:00.000Z", 42]);
  });

  it("cursor - one of another shape or garbage is a 400 naming cursor", () => {
    for (const bad of [encodeCursor(["a"]), "bm90IGpzb24", encodeCursor([{ x: 1 } as never, 1])]) {
      expect(() => decodeCursor(bad, 2)).toThrow(/cursor/);
    }
  });
});
