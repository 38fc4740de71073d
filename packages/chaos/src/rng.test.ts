import { describe, expect, it } from "vitest";
import { createRng } from "./rng.ts";

describe("rng", () => {
  it("rng - the same seed gives the same choices, another seed others, all in range", () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 50 }, () => rng.int(1, 6));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((n) => n >= 1 && n <= 6)).toBe(true);
    expect(new Set(draw(7)).size).toBe(6);
  });
});
