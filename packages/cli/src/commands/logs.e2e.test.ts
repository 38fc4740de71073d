import { readFileSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runToEnd } from "@uaip/local-services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogReport } from "../log-analysis/log-report.ts";
import { runUaip } from "../testing/run-uaip.ts";

const bin = fileURLToPath(new URL("../../bin/uaip.js", import.meta.url));
const fixture = fileURLToPath(
  new URL("../log-analysis/fixtures/hub-sample.jsonl", import.meta.url),
);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-logs-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs `uaip <args>` with `stdin` piped in, sampling the child's resident set. Linux only. */
async function uaip(
  args: readonly string[],
  stdin?: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; peakMiB: number }> {
  const r = await runToEnd(bin, args, {
    env: { ...process.env, ...env },
    ...(stdin !== undefined ? { input: stdin } : {}),
    sampleRss: true,
    timeoutMs: 600_000,
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, peakMiB: r.peakMiB ?? 0 };
}

const ROUTES = 40;
const statuses = [200, 200, 200, 200, 200, 200, 201, 404, 401, 500] as const;

/** Writes `n` hub log lines of every kind; returns what it wrote, by kind. */
async function writeLargeLog(path: string, n: number) {
  const file = await open(path, "w");
  const counts = { requests: 0, serverErrors: 0, unauthorized: 0, warn: 0, info: 0, retries: 0 };
  const t0 = Date.parse("2026-11-30T00:00:00Z");
  let chunk = "";
  for (let i = 0; i < n; i++) {
    const time = new Date(t0 + i).toISOString();
    const kind = i % 10;
    if (kind < 7) {
      const status = statuses[i % statuses.length]!;
      counts.requests++;
      if (status >= 500) counts.serverErrors++;
      if (status === 401) counts.unauthorized++;
      chunk += `${JSON.stringify({ level: 30, time, service: "uaip-hub", component: "http", msg: "request", method: "GET", route: `/api/v1/r${i % ROUTES}/:id`, path: `/api/v1/r${i % ROUTES}/d${i}`, status, durationMs: (i % 997) / 7, requestId: `req-${i}`, keyId: status === 401 ? null : `k${i % 50}`, client: `10.0.${i % 7}.${i % 200}`, trace_id: i.toString(16).padStart(32, "0"), span_id: i.toString(16).padStart(16, "0") })}\n`;
    } else if (kind === 7) {
      counts.warn++;
      counts.retries++;
      chunk += `${JSON.stringify({ level: 40, time, projection: `p${i % 3}`, err: `timeout after ${i % 5000} ms on seq ${i}`, msg: "batch failed, retrying" })}\n`;
    } else if (kind === 8) {
      counts.warn++;
      // Never the same twice and with no digits: grouping cannot fold these, pruning must bound them.
      const word = (i * 2654435761).toString(36).replace(/\d/g, "x");
      chunk += `hub-1  | ${JSON.stringify({ level: 40, time, msg: `unexpected ${word}` })}\n`;
    } else {
      counts.info++;
      chunk += `${JSON.stringify({ level: 30, time, msg: "presence changed", deviceId: `d-${i}`, status: "online" })}\n`;
    }
    if (chunk.length > 1 << 20) {
      await file.write(chunk);
      chunk = "";
    }
  }
  await file.write(chunk);
  await file.close();
  return counts;
}

describe("uaip logs analyze", () => {
  it("logs analyze - a recorded log as a file and on stdin gives the same report", async () => {
    const fromFile = await uaip(["logs", "analyze", fixture, "--json"]);
    expect(fromFile.code).toBe(0);
    const report = JSON.parse(fromFile.stdout) as LogReport;
    expect(report.lines).toEqual({ total: 53, analyzed: 50, skipped: 3, outsideWindow: 0 });
    expect(report.http.requests).toBe(33);
    const fromStdin = await uaip(["logs", "analyze", "-", "--json"], readFileSync(fixture, "utf8"));
    expect(fromStdin.code).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toEqual(report);
    const text = await uaip(["logs", "analyze"], readFileSync(fixture, "utf8"));
    expect(text.stdout).toContain("Recommendations\n- 5xx on 6.06 % of requests (2 of 33");
    expect(text.stdout).toMatch(/GET \/api\/v1\/devices\/:id\s+20\s+1\s+10\s+19\s+20\s+20/);
  });

  it("logs analyze - --json has every section; --top bounds the lists", async () => {
    const r = await uaip(["logs", "analyze", fixture, "--json", "--top", "2"]);
    const report = JSON.parse(r.stdout) as LogReport;
    expect(Object.keys(report)).toEqual([
      "lines",
      "window",
      "levels",
      "problems",
      "http",
      "security",
      "projector",
      "dispatcher",
      "approximate",
      "recommendations",
    ]);
    expect(report.problems).toHaveLength(2);
    expect(report.http.routes).toHaveLength(2);
    expect(report.http.slowest).toHaveLength(2);
    expect(report.security.sources).toHaveLength(2);
  });

  it("logs analyze - --since with a duration keeps the recent lines only", async () => {
    const now = Date.now();
    const line = (agoMs: number, status: number) =>
      JSON.stringify({
        level: 30,
        time: new Date(now - agoMs).toISOString(),
        component: "http",
        msg: "request",
        method: "GET",
        route: "/x",
        status,
        durationMs: 1,
      });
    const log = [
      line(3 * 3_600_000, 500),
      line(2 * 3_600_000, 500),
      line(600_000, 200),
      line(60_000, 200),
    ].join("\n");
    const r = await uaip(["logs", "analyze", "--since", "1h", "--json"], log);
    const report = JSON.parse(r.stdout) as LogReport;
    expect(report.lines).toMatchObject({ total: 4, analyzed: 2, outsideWindow: 2 });
    expect(report.http.statuses).toEqual({ "200": 2 });
    const bad = await runUaip(["logs", "analyze", fixture, "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^uaip: --since: /);
  });

  it("logs analyze - a missing file and a bad --top are one line with exit code 2", async () => {
    const missing = await runUaip(["logs", "analyze", join(dir, "none.log")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`uaip: ${join(dir, "none.log")}: no such file`);
    const top = await runUaip(["logs", "analyze", fixture, "--top", "x"]);
    expect(top.code).toBe(2);
    expect(top.stderr.trim()).toBe('uaip: --top: must be a whole number (got "x")');
  });

  it("logs analyze - 1,000,000 lines in bounded memory: the same report with the heap capped at 64 MB, peak RSS under 150 MB", async () => {
    const path = join(dir, "large.log");
    const lines = 1_000_000;
    const wrote = await writeLargeLog(path, lines);
    const idle = await uaip(["logs", "analyze", fixture, "--json"]);
    const started = performance.now();
    const r = await uaip(["logs", "analyze", path, "--json"]);
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LogReport;
    expect(report.lines).toEqual({ total: lines, analyzed: lines, skipped: 0, outsideWindow: 0 });
    expect(report.levels.warn).toBe(wrote.warn);
    expect(report.http.requests).toBe(wrote.requests);
    expect(report.http.serverErrors).toBe(wrote.serverErrors);
    expect(report.security.unauthorized).toBe(wrote.unauthorized);
    expect(report.projector.retries).toBe(wrote.retries);
    expect(report.http.routes).toHaveLength(10);
    expect(report.http.routes.reduce((a, x) => a + x.count, 0)).toBeLessThanOrEqual(wrote.requests);
    expect(report.problems[0]).toMatchObject({
      shape: "batch failed, retrying: timeout after <n> ms on seq <n>",
      count: wrote.retries,
    });
    expect(report.approximate).toBe(true);
    // Young generation at 1 MB and old generation capped at 64 MB, far below the 220 MB of
    // input: only an analysis that keeps aggregates, not lines, gives the same report.
    const capped = await uaip(["logs", "analyze", path, "--json"], undefined, {
      NODE_OPTIONS: "--max-semi-space-size=1 --max-old-space-size=64",
    });
    expect(capped.code).toBe(0);
    expect(JSON.parse(capped.stdout)).toEqual(report);
    console.log(
      `logs analyze of ${lines} lines: peak RSS ${r.peakMiB.toFixed(1)} MiB (${idle.peakMiB.toFixed(1)} MiB on the 53-line fixture), ${capped.peakMiB.toFixed(1)} MiB with a capped heap; ${seconds.toFixed(1)} s`,
    );
    // Default GC settings spend young-generation headroom (garbage), not retained data.
    expect(r.peakMiB).toBeLessThan(250);
    expect(capped.peakMiB).toBeLessThan(150);
  }, 240_000);
});
