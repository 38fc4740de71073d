import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { logAggregate } from "./log-aggregate.ts";
import { parseLogLine } from "./log-record.ts";
import type { LogReport } from "./log-report.ts";

/** A hand-made hub log (docker compose prefixes, non-JSON lines) with known counts. */
const fixture = readFileSync(new URL("./fixtures/hub-sample.jsonl", import.meta.url), "utf8");

function analyze(text: string, since?: string): LogReport {
  const agg = logAggregate({ top: 10, ...(since !== undefined && { since: Date.parse(since) }) });
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    const r = parseLogLine(line);
    if (r) agg.line(r);
    else agg.skipped();
  }
  return agg.report();
}

describe("logs analyze aggregate", () => {
  const r = analyze(fixture);

  it("logs analyze - lines by level, non-JSON lines skipped, prefixes stripped", () => {
    expect(r.lines).toEqual({ total: 53, analyzed: 50, skipped: 3, outsideWindow: 0 });
    expect(r.window).toEqual({ from: "2026-11-30T10:00:00.000Z", to: "2026-11-30T10:48:00.000Z" });
    expect(r.levels).toEqual({
      trace: 0,
      debug: 1,
      info: 34,
      warn: 9,
      // The delivery errors and the two 5xx access lines.
      error: 5,
      fatal: 1,
      other: 0,
    });
  });

  it("logs analyze - errors and warnings grouped by shape, most frequent first", () => {
    expect(r.problems.map((p) => [p.count, p.level, p.shape])).toEqual([
      [3, "error", 'command delivery error: no reply from device "<str>" within <n> ms'],
      [2, "warn", "append failed; retrying: TIMEOUT"],
      [2, "warn", "batch failed, retrying: Connection terminated unexpectedly"],
      [1, "fatal", "uaip hub failed to start: listen EADDRINUSE: address already in use <addr>"],
      [1, "warn", "batch failed, retrying: canceling statement due to statement timeout"],
      [1, "warn", "event rejected"],
      [1, "warn", "expiry failed: no responders"],
      [1, "warn", "recording the reply failed: no responders"],
      [1, "warn", "store or NATS unavailable; retrying: connect ECONNREFUSED <addr>"],
    ]);
    expect(r.problems[0]?.example).toBe(
      'command delivery error: no reply from device "lamp-1" within 5000 ms',
    );
  });

  it("logs analyze - HTTP statuses, routes with exact percentiles, the slowest requests", () => {
    expect(r.http.requests).toBe(33);
    expect(r.http.serverErrors).toBe(2);
    expect(r.http.statuses).toEqual({
      "200": 20,
      "201": 4,
      "401": 3,
      "403": 1,
      "404": 1,
      "429": 2,
      "500": 1,
      "503": 1,
    });
    expect(r.http.routes).toEqual([
      {
        route: "GET /api/v1/devices/:id",
        count: 20,
        serverErrors: 1,
        p50: 10,
        p95: 19,
        p99: 20,
        max: 20,
      },
      { route: "GET /api/v1/devices", count: 5, serverErrors: 0, p50: 0.5, p95: 1, p99: 1, max: 1 },
      {
        route: "POST /api/v1/devices",
        count: 5,
        serverErrors: 1,
        p50: 30,
        p95: 1500,
        p99: 1500,
        max: 1500,
      },
      { route: "GET /health/ready", count: 2, serverErrors: 0, p50: 2, p95: 2, p99: 2, max: 2 },
      {
        route: "DELETE /api/v1/devices/:id",
        count: 1,
        serverErrors: 0,
        p50: 2,
        p95: 2,
        p99: 2,
        max: 2,
      },
    ]);
    expect(r.http.slowest.map((s) => [s.durationMs, s.requestId])).toEqual([
      [1500, "req-025"],
      [40, "req-024"],
      [30, "req-023"],
      [20, "req-020"],
      [20, "req-022"],
      [19, "req-019"],
      [18, "req-018"],
      [17, "req-017"],
      [16, "req-016"],
      [15, "req-015"],
    ]);
    expect(r.http.slowest[0]).toEqual({
      time: "2026-11-30T10:30:00.000Z",
      method: "POST",
      route: "/api/v1/devices",
      path: "/api/v1/devices",
      status: 503,
      durationMs: 1500,
      requestId: "req-025",
    });
  });

  it("logs analyze - security events by status, key id and client", () => {
    expect(r.security).toEqual({
      unauthorized: 3,
      forbidden: 1,
      rateLimited: 2,
      sources: [
        { status: 401, keyId: null, client: "10.0.0.9", count: 3 },
        { status: 429, keyId: "k2", client: "10.0.0.5", count: 2 },
        { status: 403, keyId: "k1", client: "127.0.0.1", count: 1 },
      ],
    });
  });

  it("logs analyze - projector retries and dead letters, dispatcher retries, expiries and failed expiries", () => {
    expect(r.projector).toEqual({
      retries: 3,
      unavailable: 1,
      deadLetters: 1,
      stopped: 0,
      byProjection: [
        { projection: "devices", retries: 2, deadLetters: 1 },
        { projection: "telemetry", retries: 1, deadLetters: 0 },
      ],
    });
    expect(r.dispatcher).toEqual({
      retries: 2,
      failedSteps: 1,
      expired: 1,
      expiryFailures: 1,
      restarts: 0,
      steps: [
        { step: "expiry", count: 1 },
        { step: "recording the reply", count: 1 },
      ],
    });
  });

  it("logs analyze - recommendations drawn from the figures", () => {
    expect(r.recommendations).toHaveLength(7);
    expect(r.recommendations[0]).toMatch(
      /^5xx on 6\.06 % of requests \(2 of 33, above 1\.00 %\), most on GET \/api\/v1\/devices\/:id \(1\)/,
    );
    expect(r.recommendations.join("\n")).toMatch(/403.*\n.*retried 3 batches.*check PostgreSQL/);
    expect(r.recommendations.some((x) => x.startsWith("1 events rejected"))).toBe(true);
    expect(r.recommendations.some((x) => x.startsWith("1 fatal lines"))).toBe(true);
    expect(r.approximate).toBe(false);
  });

  it("logs analyze - --since keeps only the lines at or after it", () => {
    const late = analyze(fixture, "2026-11-30T10:30:00Z");
    expect(late.lines).toEqual({ total: 53, analyzed: 20, skipped: 3, outsideWindow: 30 });
    expect(late.window.from).toBe("2026-11-30T10:30:00.000Z");
    expect(late.http.statuses).toEqual({ "200": 2, "401": 3, "403": 1, "429": 2, "503": 1 });
    expect(late.projector).toMatchObject({ retries: 0, deadLetters: 1 });
  });

  it("logs analyze - a route with p99 over 1 s and many 401s from one client are recommended on", () => {
    const lines = [
      ...Array.from({ length: 100 }, (_, i) =>
        JSON.stringify({
          level: 30,
          time: i,
          component: "http",
          msg: "request",
          method: "GET",
          route: "/slow",
          status: 200,
          durationMs: i < 95 ? 10 : 2_000,
        }),
      ),
      ...Array.from({ length: 25 }, () =>
        JSON.stringify({
          level: 30,
          time: 1,
          component: "http",
          msg: "request",
          method: "GET",
          route: "/x",
          status: 401,
          durationMs: 1,
          keyId: null,
          client: "10.9.9.9",
        }),
      ),
    ];
    const recs = analyze(lines.join("\n")).recommendations;
    expect(recs).toEqual([
      expect.stringMatching(/^GET \/slow: p99 2\.00 s over 100 requests/),
      expect.stringMatching(/^25 answers 401 to client 10\.9\.9\.9/),
    ]);
  });
});

describe("logs analyze lines", () => {
  it("logs analyze - a field of another type counts as absent, the line still counts", () => {
    const r = analyze(
      [
        '{"level":30,"msg":"presence changed","status":"online","time":"2026-11-30T10:00:00Z"}',
        '{"level":"info","msg":"odd"}',
        "[1,2,3]",
        '"just a string"',
      ].join("\n"),
    );
    expect(r.lines).toEqual({ total: 4, analyzed: 2, skipped: 2, outsideWindow: 0 });
    expect(r.levels).toMatchObject({ info: 1, other: 1 });
    expect(r.http.requests).toBe(0);
  });
});
