import { describe, expect, it } from "vitest";
import { createRng, hashSeed } from "./rng.ts";
import { approach, chanceIn, clamp, dailyCycle, walk } from "./signals.ts";

const draw = (seed: number | string, n = 20) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe("rng", () => {
  it("rng - the same seed gives the same sequence, another seed another one", () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw("lamp-1")).toEqual(draw("lamp-1"));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it("rng - forks are independent of each other and of how much the parent drew", () => {
    const a = createRng(7);
    const b = createRng(7);
    b.next();
    b.next();
    const fa = a.fork("dev-1");
    const fb = b.fork("dev-1");
    expect([fa.next(), fa.next()]).toEqual([fb.next(), fb.next()]);
    expect(a.fork("dev-1").next()).not.toBe(a.fork("dev-2").next());
  });

  it("rng - draws stay in their ranges and look uniform and normal", () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20_000 }, () => rng.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    const ints = Array.from({ length: 2_000 }, () => rng.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    const ns = Array.from({ length: 20_000 }, () => rng.normal(10, 2));
    const mean = ns.reduce((s, x) => s + x, 0) / ns.length;
    const sd = Math.sqrt(ns.reduce((s, x) => s + (x - mean) ** 2, 0) / ns.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
    expect(hashSeed("a")).not.toBe(hashSeed("b"));
  });
});

describe("signals", () => {
  it("signals - a random walk never leaves its bounds, whatever the step", () => {
    const rng = createRng(3);
    let x = 50;
    for (let i = 0; i < 10_000; i++) {
      x = walk(x, { min: 40, max: 60, perSecond: 5 }, rng.int(1, 600_000), rng);
      expect(x).toBeGreaterThanOrEqual(40);
      expect(x).toBeLessThanOrEqual(60);
    }
  });

  it("signals - approach covers ~63% in one time constant and never overshoots", () => {
    expect(approach(0, 10, 1_000, 1_000)).toBeCloseTo(6.32, 2);
    expect(approach(0, 10, 1_000, 1e9)).toBeLessThanOrEqual(10);
    expect(approach(0, 10, 0, 5)).toBe(10);
  });

  it("signals - the daily cycle peaks at its hour and bottoms out twelve hours later", () => {
    expect(dailyCycle(new Date("2026-01-01T15:00:00Z"), 15)).toBeCloseTo(1, 6);
    expect(dailyCycle(new Date("2026-01-01T03:00:00Z"), 15)).toBeCloseTo(-1, 6);
  });

  it("signals - chances scale with time and are 0 for nothing", () => {
    expect(chanceIn(0, 1_000)).toBe(0);
    expect(chanceIn(1, 3_600_000)).toBeCloseTo(1 - Math.exp(-1), 6);
    expect(chanceIn(60, 60_000)).toBeGreaterThan(chanceIn(60, 1_000));
    expect(clamp(5, 0, 1)).toBe(1);
  });
});
