import { describe, expect, it } from "vitest";
import { latencyRecorder } from "./latency-recorder.ts";
import { progressLine } from "./progress-line.ts";

describe("latency recorder", () => {
  it("latency recorder - nearest-rank percentiles of what was recorded", () => {
    const r = latencyRecorder();
    expect(r.summary()).toMatchObject({ count: 0, p99: 0 });
    for (let i = 1; i <= 100; i++) r.record(i);
    expect(r.summary()).toEqual({ count: 100, mean: 50.5, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it("latency recorder - over many values it keeps exact count, mean and max, and percentiles close", () => {
    const r = latencyRecorder();
    for (let i = 0; i < 100_000; i++) r.record(i % 100);
    r.record(5_000);
    const s = r.summary();
    expect(s.count).toBe(100_001);
    expect(s.max).toBe(5_000);
    expect(s.p50).toBeGreaterThan(40);
    expect(s.p50).toBeLessThan(60);
  });

  it("latency recorder - fractions of a millisecond, nearest rank, min and max as measured", () => {
    const r = latencyRecorder();
    for (const ms of [5, 1, 3, 2, 4]) r.record(ms);
    expect(r.percentile(50)).toBe(3);
    expect([r.min, r.max, r.percentile(0), r.percentile(100)]).toEqual([1, 5, 1, 5]);
    const fine = latencyRecorder();
    for (const ms of [0.123, 0.456, 1.7, 250.5, 12_345.678]) fine.record(ms);
    expect(fine.summary()).toMatchObject({ count: 5, p50: 1.7, max: 12_345.678 });
    expect(fine.percentile(20)).toBe(0.123);
    expect(fine.percentile(80)).toBe(250.5);
    // Past 262 ms the histogram keeps 5 significant digits.
    expect(fine.percentile(100)).toBeCloseTo(12_345.678, 0);
    expect(latencyRecorder().percentile(50)).toBe(0);
  });

  it("progress line - says time, devices online, rate against target, pending and errors", () => {
    const line = progressLine(
      {
        elapsedMs: 12_400,
        durationMs: 60_000,
        devices: 1_000,
        online: 998,
        eventsPerSecond: 9_987.4,
        stored: 120_345,
        pending: 12,
        errors: 1,
      },
      10_000,
    );
    expect(line).toBe(
      "12s/60s · 998/1000 devices online · 9,987 ev/s (target 10,000) · 120,345 stored · 12 pending · 1 error",
    );
  });
});
