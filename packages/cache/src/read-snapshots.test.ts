import { describe, expect, it } from "vitest";
import { type SnapshotRead, servesReads } from "./read-snapshots.ts";

const read = (position?: number, replayingUntil?: number): SnapshotRead => ({
  rows: new Map(),
  position,
  replayingUntil,
});

describe("serves reads", () => {
  it("serves reads - an empty Redis (no checkpoint) never answers", () => {
    expect(servesReads(read())).toBe(false);
    expect(servesReads(read(undefined, 10))).toBe(false);
  });

  it("serves reads - a build from empty answers only once it has passed its mark", () => {
    expect(servesReads(read(9, 10))).toBe(false);
    expect(servesReads(read(10, 10))).toBe(true);
    expect(servesReads(read(11, 10))).toBe(true);
    expect(servesReads(read(5))).toBe(true);
  });

  it("serves reads - a reader's minimum sequence must be reached too", () => {
    expect(servesReads(read(20), 21)).toBe(false);
    expect(servesReads(read(21), 21)).toBe(true);
    expect(servesReads(read(30, 40), 21)).toBe(false);
  });
});
