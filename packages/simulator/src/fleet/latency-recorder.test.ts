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

  it("latency recorder - past its capacity it keeps a fair sample and exact count, mean and max", () => {
    const r = latencyRecorder(1_000);
    for (let i = 0; i < 100_000; i++) r.record(i % 100);
    r.record(5_000);
    const s = r.summary();
    expect(s.count).toBe(100_001);
    expect(s.max).toBe(5_000);
    expect(s.p50).toBeGreaterThan(40);
    expect(s.p50).toBeLessThan(60);
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
