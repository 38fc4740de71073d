import { describe, expect, it } from "vitest";
import type { CheckResult } from "./check-result.ts";
import { hubTracker } from "./hub-tracker.ts";

const hub = "http://hub-a:8443";
const T0 = Date.parse("2026-12-01T10:00:00Z");

/** A check `s` seconds after T0: ok or failed. */
function check(s: number, ok: boolean): CheckResult {
  return {
    hub,
    at: T0 + s * 1_000,
    ok,
    status: ok ? "ready" : "not ready",
    components: { postgres: ok ? "up" : "down" },
    ...(!ok && { error: "HTTP 503: postgres down" }),
    latencyMs: 1,
  };
}

/** Feeds a pattern such as "++---+" (one check every 5 s) and returns the alerts. */
function feed(pattern: string, threshold = 3) {
  const t = hubTracker(hub, threshold);
  const alerts = [...pattern].map((c, i) => t.record(check(i * 5, c === "+")));
  return { t, alerts: alerts.flatMap((a, i) => (a ? [{ i, ...a }] : [])) };
}

describe("health watch tracker", () => {
  it("health watch tracker - fires one alert at the Nth failure in a row and one on recovery", () => {
    const { t, alerts } = feed("++-----++");
    expect(alerts.map((a) => [a.i, a.state, a.failures])).toEqual([
      [4, "down", 3],
      [7, "recovered", 5],
    ]);
    expect(alerts[0]?.since).toBe(new Date(T0 + 10_000).toISOString());
    expect(alerts[1]?.since).toBe(alerts[0]?.since);
    expect(alerts[0]?.error).toBe("HTTP 503: postgres down");
    expect(t.summary()).toEqual({
      hub,
      checks: 9,
      failures: 5,
      uptimePercent: 44.44,
      longestOutageMs: 25_000,
      longestOutageChecks: 5,
      alerts: 2,
      state: "up",
    });
  });

  it("health watch tracker - failures below the threshold fire nothing but count as an outage", () => {
    const { t, alerts } = feed("+--+-+");
    expect(alerts).toEqual([]);
    expect(t.summary()).toMatchObject({
      failures: 3,
      longestOutageMs: 10_000,
      longestOutageChecks: 2,
    });
  });

  it("health watch tracker - each outage past the threshold alerts once; the longest is kept", () => {
    const { t, alerts } = feed("---+----+--", 2);
    expect(alerts.map((a) => a.state)).toEqual(["down", "recovered", "down", "recovered", "down"]);
    expect(t.summary()).toMatchObject({
      checks: 11,
      failures: 9,
      longestOutageMs: 20_000,
      longestOutageChecks: 4,
      alerts: 5,
      state: "down",
    });
  });

  it("health watch tracker - an outage still on at the end counts up to the last check", () => {
    const { t } = feed("+++----");
    expect(t.summary()).toMatchObject({
      longestOutageMs: 15_000,
      longestOutageChecks: 4,
      state: "down",
    });
  });

  it("health watch tracker - a threshold of 1 alerts on the first failure; no checks is 100 % up", () => {
    expect(feed("-+", 1).alerts.map((a) => [a.state, a.failures])).toEqual([
      ["down", 1],
      ["recovered", 1],
    ]);
    expect(hubTracker(hub, 3).summary()).toMatchObject({
      checks: 0,
      uptimePercent: 100,
      state: "unknown",
    });
  });
});
