import { describe, expect, it } from "vitest";
import { dueEvents } from "./rate-schedule.ts";

describe("rate schedule", () => {
  it("rate schedule - events are due at an even pace and never past the total", () => {
    const rate = 400;
    const total = 1_000;
    const points = [0, 1, 250, 1_000, 2_499, 2_500, 10_000].map((ms) => dueEvents(ms, rate, total));
    expect(points).toEqual([0, 0, 100, 400, 999, 1_000, 1_000]);
    for (let ms = 0; ms < 3_000; ms += 7) {
      expect(dueEvents(ms + 7, rate, total)).toBeGreaterThanOrEqual(dueEvents(ms, rate, total));
    }
  });

  it("rate schedule - nothing is due before the start or at a rate of zero", () => {
    expect(dueEvents(-5, 100, 10)).toBe(0);
    expect(dueEvents(5_000, 0, 10)).toBe(0);
  });
});
