import { describe, expect, it } from "vitest";
import { boundedCounter } from "./bounded-counter.ts";

describe("logs analyze bounded counter", () => {
  it("bounded counter - exact while under capacity, ties ordered by key, first sample kept", () => {
    const c = boundedCounter<string>(10);
    for (const k of ["b", "a", "b", "c", "b", "a"]) c.add(k, 1, `first ${k}`);
    expect(c.top(2)).toEqual([
      { key: "b", count: 3, sample: "first b" },
      { key: "a", count: 2, sample: "first a" },
    ]);
    expect(c.total).toBe(6);
    expect(c.approximate).toBe(false);
  });

  it("bounded counter - a flood of rare keys is pruned; the frequent keys stay with exact counts", () => {
    const c = boundedCounter(100);
    for (let i = 0; i < 100_000; i++) {
      c.add(`rare-${i}`);
      if (i % 10 === 0) c.add("hot");
      if (i % 20 === 0) c.add("warm");
    }
    expect(c.top(2)).toEqual([
      { key: "hot", count: 10_000, sample: undefined },
      { key: "warm", count: 5_000, sample: undefined },
    ]);
    expect(c.total).toBe(115_000);
    expect(c.approximate).toBe(true);
  });
});
