import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningHub, startHub } from "@uaip/hub";
import { freePort, type StartedService, startPostgres } from "@uaip/local-services";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runUaip } from "../testing/run-uaip.ts";

const bin = fileURLToPath(new URL("../../bin/uaip.js", import.meta.url));
let t: TestHub;
let dir: string;
let pg: StartedService;
let hub: RunningHub;
let hubUrl: string;
let receiver: Server;
let receiverUrl: string;
const received: Record<string, unknown>[] = [];

const startPrivatePostgres = (port?: number) =>
  startPostgres({
    dataDir: dir,
    configuredUrl: "postgres://postgres@127.0.0.1:5432/uaip",
    log: () => {},
    ...(port === undefined ? {} : { port }),
  });

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-health-watch-"));
  pg = await startPrivatePostgres();
  hub = await startHub(
    { ...t.config, databaseUrl: pg.url, http: { host: "127.0.0.1", port: await freePort() } },
    t.logger,
    ["api", "projectors"],
  );
  hubUrl = hub.url!;
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (d: string) => {
      body += d;
    });
    req.on("end", () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await pg?.process.stop();
  receiver?.close();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface CheckLine {
  type: "check";
  hub: string;
  at: string;
  ok: boolean;
  status: string;
  httpStatus?: number;
  latencyMs: number;
  components: Record<string, string>;
  consecutiveFailures: number;
  error?: string;
}

/** A running `uaip health watch --json`: its stdout lines as they come. */
function watchLive(args: string[]): { child: ChildProcess; lines: Record<string, unknown>[] } {
  const child = spawn(process.execPath, [bin, "health", "watch", ...args, "--json"], {
    env: { ...process.env, ...t.env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    const parts = (partial + d).split("\n");
    partial = parts.pop() ?? "";
    for (const p of parts) if (p.trim()) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  return { child, lines };
}

const checksOf = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => l.type === "check") as unknown as CheckLine[];

/** The longest run of failed checks, from its first to the next success (or the last check). */
function longestOutage(checks: CheckLine[]): { ms: number; checks: number } {
  let best = { ms: 0, checks: 0 };
  let start: number | undefined;
  let n = 0;
  for (const c of checks) {
    const at = Date.parse(c.at);
    if (!c.ok) {
      start ??= at;
      n++;
      best = { ms: Math.max(best.ms, at - start), checks: Math.max(best.checks, n) };
    } else {
      if (start !== undefined) best = { ...best, ms: Math.max(best.ms, at - start) };
      start = undefined;
      n = 0;
    }
  }
  return best;
}

describe("uaip health watch", () => {
  it("health watch - a hub whose PostgreSQL stops and starts: one alert, one recovery, a true summary", async () => {
    const execLog = join(dir, "exec.log");
    const { child, lines } = watchLive([
      hubUrl,
      "--interval",
      "300ms",
      "--timeout",
      "3s",
      "--failures",
      "3",
      "--webhook",
      receiverUrl,
      "--exec",
      `echo "$UAIP_ALERT_STATE $UAIP_ALERT_FAILURES $UAIP_ALERT_HUB" >> ${execLog}`,
    ]);
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      await waitFor(
        () => checksOf(lines).filter((c) => c.ok).length >= 3,
        30_000,
        "3 ready checks",
      );
      await pg.process.stop();
      await waitFor(() => received.length >= 1, 60_000, "the down alert");
      pg = await startPrivatePostgres(pg.port);
      await waitFor(() => received.length >= 2, 60_000, "the recovery");
      const recoveredAt = checksOf(lines).length;
      await waitFor(() => checksOf(lines).length >= recoveredAt + 2, 30_000, "2 more checks");
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);

    expect(received.map((r) => r.state)).toEqual(["down", "recovered"]);
    const [down, recovered] = received as [Record<string, unknown>, Record<string, unknown>];
    expect(down).toMatchObject({ hub: hubUrl, failures: 3, status: "not ready" });
    expect(down.text).toEqual(expect.stringContaining(`${hubUrl} is not ready`));
    expect((down.components as { postgres: { status: string } }).postgres.status).toBe("down");
    expect(recovered.since).toBe(down.since);
    expect((recovered.components as { postgres: { status: string } }).postgres.status).toBe("up");

    const checks = checksOf(lines);
    const failed = checks.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every((c) => c.httpStatus === 503 && c.components.postgres === "down")).toBe(
      true,
    );
    expect(recovered.failures).toBe(failed.length);
    expect(down.since).toBe(failed[0]?.at);
    const alerts = lines.filter((l) => l.type === "alert");
    expect(alerts.map((a) => a.state)).toEqual(["down", "recovered"]);

    const summary = lines.find((l) => l.type === "summary") as unknown as {
      hubs: Record<string, unknown>[];
    };
    const outage = longestOutage(checks);
    expect(summary.hubs).toEqual([
      {
        hub: hubUrl,
        checks: checks.length,
        failures: failed.length,
        uptimePercent:
          Math.round(((checks.length - failed.length) / checks.length) * 100 * 100) / 100,
        longestOutageMs: outage.ms,
        longestOutageChecks: outage.checks,
        alerts: 2,
        state: "up",
      },
    ]);
    expect(outage.checks).toBe(failed.length);
    const execLines = (await readFile(execLog, "utf8")).trim().split("\n");
    expect(execLines).toEqual([`down 3 ${hubUrl}`, `recovered ${failed.length} ${hubUrl}`]);
    console.log(
      `health watch: ${checks.length} checks, ${failed.length} failed, uptime ${summary.hubs[0]?.uptimePercent} %, longest outage ${outage.ms} ms`,
    );
  }, 180_000);

  it("health watch - --once exits 0 for a ready hub and 1 when one of the hubs does not answer", async () => {
    const ok = await runUaip(["health", "watch", hubUrl, "--once"], t.env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`${hubUrl}  ready  nats up · postgres up · redis up`);
    const refused = `http://127.0.0.1:${await freePort()}`;
    const bad = await runUaip(["health", "watch", hubUrl, refused, "--once"], t.env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${refused}  unreachable`);
  });

  it("health watch - --json: one object per check, and a summary after --count rounds", async () => {
    const r = await runUaip(
      ["health", "watch", hubUrl, "--count", "2", "--interval", "100ms", "--json"],
      t.env,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(["check", "check", "summary"]);
    expect(lines[0]).toEqual({
      type: "check",
      hub: hubUrl,
      at: expect.any(String),
      ok: true,
      status: "ready",
      httpStatus: 200,
      latencyMs: expect.any(Number),
      components: {
        nats: "up",
        postgres: "up",
        redis: "up",
        streams: expect.stringMatching(/^(\d+)\/\1 up$/),
        projections: expect.stringMatching(/^(\d+)\/\1 up$/),
      },
      consecutiveFailures: 0,
    });
    expect(lines[2]).toMatchObject({
      hubs: [{ hub: hubUrl, checks: 2, failures: 0, uptimePercent: 100, alerts: 0, state: "up" }],
    });
  });

  it("health watch - a bad flag is one line on stderr with exit code 2", async () => {
    const r = await runUaip(["health", "watch", hubUrl, "--failures", "none"], t.env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('uaip: --failures: must be a whole number (got "none")');
  });
});
