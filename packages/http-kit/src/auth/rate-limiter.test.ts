import { describe, expect, it } from "vitest";
import { rateLimiter } from "./rate-limiter.ts";

describe("rateLimiter", () => {
  it("rate limiter - a key bursts to twice its rate, then waits; tokens refill with time", () => {
    let now = 0;
    const limiter = rateLimiter(10, () => now);
    const burst = Array.from({ length: 21 }, () => limiter.take("k"));
    expect(burst.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(burst[20]).toBe(1);
    now += 100; // one token back
    expect(limiter.take("k")).toBe(0);
    expect(limiter.take("k")).toBeGreaterThan(0);
  });

  it("rate limiter - keys are limited independently", () => {
    const limiter = rateLimiter(1, () => 0);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([0, 0, 1]);
    expect(limiter.take("b")).toBe(0);
  });

  it("rate limiter - wait() tells whether a token is left without taking it; burst sets the bucket", () => {
    let now = 0;
    const limiter = rateLimiter(1, () => now, 3);
    expect(limiter.wait("c")).toBe(0);
    expect([limiter.take("c"), limiter.take("c"), limiter.take("c")]).toEqual([0, 0, 0]);
    expect(limiter.wait("c")).toBe(1);
    expect(limiter.wait("c")).toBe(1); // waiting took nothing
    now += 1000;
    expect(limiter.wait("c")).toBe(0);
    expect(limiter.take("c")).toBe(0);
    expect(limiter.take("c")).toBe(1);
  });
});
