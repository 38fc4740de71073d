/**
 * The operators' HTTP API under load, beside a bare Hono route on the same server.
 *
 *   node --import tsx bench/api.ts [--devices 10000] [--connections 10] [--duration 10]
 *                                  [--warmup 2] [--out dir]
 *
 * Loads a fleet into its own namespace and database (half online), runs every projection
 * (PostgreSQL and the Redis cache) until caught up, then drives each route with autocannon
 * (in a worker thread, so the load generator has its own core) at a fixed number of
 * connections: the bare route first (the ceiling), then `GET /devices/{id}` (Redis hits),
 * `GET /devices?status=online&limit=100` and `POST /devices:batchGet` of 100 ids. Requests
 * carry a real API key, so auth is in the measured path. Everything is removed at the end.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createApiKey, createApp, listen } from "@uaip/api";
import { createEvent, streamName } from "@uaip/events";
import { createDatabase, type Db } from "@uaip/platform";
import { cacheKeys } from "@uaip/projections";
import { type RunningProjectors, startProjectors } from "@uaip/projector";
import { createTestHub, waitFor } from "@uaip/testkit";
import autocannon from "autocannon";
import { Hono } from "hono";
import { sql } from "kysely";
import { register } from "prom-client";
import { writeResults } from "./lib/results.ts";

export interface ApiBenchOptions {
  readonly devices: number;
  readonly connections: number;
  /** Seconds each route is measured. */
  readonly duration: number;
  /** Seconds each route is driven, unmeasured, before. */
  readonly warmup: number;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export interface ApiBenchRow {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

export const columns = [
  "scenario",
  "req/s",
  "p50 ms",
  "p99 ms",
  "× bare",
  "non-2xx",
  "errors",
  "target",
  "met",
];

interface Scenario {
  readonly name: string;
  readonly requests: autocannon.Request[];
  /** What the issue asks of it, against the bare route. */
  readonly target?: (row: ApiBenchRow, bare: ApiBenchRow) => [string, boolean];
}

const pad = (i: number) => `dev-${String(i).padStart(6, "0")}`;

async function loadFleet(t: Awaited<ReturnType<typeof createTestHub>>, devices: number) {
  for (let i = 0; i < devices; i += 1000) {
    const chunk = Array.from({ length: Math.min(1000, devices - i) }, (_, k) => i + k);
    await Promise.all(
      chunk.flatMap((n) => [
        t.publish(
          createEvent("device.registered", pad(n), {
            name: `Device ${n}`,
            type: n % 3 === 0 ? "thermostat" : "smart-bulb",
            tags: ["bench", `rack-${n % 20}`],
            location: `floor-${n % 7}`,
          }),
        ),
      ]),
    );
    await Promise.all(
      chunk.map((n) =>
        t.publish(
          createEvent("device.status_changed", pad(n), { status: n % 2 ? "offline" : "online" }),
        ),
      ),
    );
  }
}

async function drive(
  url: string,
  key: string,
  s: Scenario,
  opts: ApiBenchOptions,
  seconds: number,
): Promise<ApiBenchRow> {
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: seconds,
    workers: 1,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    requests: s.requests,
  });
  return {
    scenario: s.name,
    requestsPerSecond: Math.round(result.requests.total / Math.max(seconds, 1e-9)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const counterTotal = async (name: string) =>
  ((await register.getSingleMetric(name)?.get())?.values ?? []).reduce((a, x) => a + x.value, 0);

export async function main(opts: ApiBenchOptions): Promise<ApiBenchRow[]> {
  const t = await createTestHub();
  let running: RunningProjectors | undefined;
  let apiDb: Db | undefined;
  try {
    running = startProjectors(t, { batchSize: 500, batchWaitMs: 20 });
    const projectors = running.projectors;
    const loadStarted = performance.now();
    await loadFleet(t, opts.devices);
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    await waitFor(
      () =>
        projectors.every(
          (p) => p.name === "telemetry" || p.name === "commands" || p.position >= last,
        ),
      300_000,
      "projections caught up",
    );
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    // Fresh tables have no statistics until autovacuum gets to them; a running hub's do.
    await sql`ANALYZE devices`.execute(t.db);

    // The API's own pool, sized as the hub's (the test hub's is small).
    apiDb = createDatabase(t.config.databaseUrl, {
      namespace: t.namespace,
      max: 10,
      name: "bench-api",
    });
    const api = createApp({
      namespace: t.namespace,
      db: apiDb,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: t.logger,
      options: { auth: "required", rateLimitPerSecond: 0 },
    });
    const keys = cacheKeys(t.namespace);
    const bare = new Hono()
      .get("/bare", (c) => c.json({ ok: true }))
      // The least any Redis-served route can do: one HGETALL, its reply as JSON.
      .get("/bare/redis/:id", async (c) =>
        c.json(await t.redis.hgetall(keys.device(c.req.param("id")))),
      );
    // One server: the bare routes and the API side by side, the same sockets and event loop.
    const server = await listen(
      {
        fetch: (req) =>
          new URL(req.url).pathname.startsWith("/bare") ? bare.fetch(req) : api.fetch(req),
      },
      "127.0.0.1",
      0,
    );
    const { key } = await createApiKey(t.db, { name: "bench", scopes: ["read"] });

    const sample = Array.from({ length: Math.min(opts.devices, 2000) }, (_, i) =>
      pad(Math.floor((i * opts.devices) / Math.min(opts.devices, 2000))),
    );
    const batches = Array.from({ length: 50 }, (_, b) =>
      Array.from({ length: Math.min(100, opts.devices) }, (_, i) =>
        pad((b * 97 + i * 89) % opts.devices),
      ),
    );
    const scenarios: Scenario[] = [
      { name: "bare Hono route (ceiling)", requests: [{ method: "GET", path: "/bare" }] },
      {
        name: "bare route + one Redis HGETALL (floor of a cache read)",
        requests: sample.map((id) => ({ method: "GET", path: `/bare/redis/${id}` })),
      },
      {
        name: "GET /devices/{id} (Redis hit)",
        requests: sample.map((id) => ({ method: "GET", path: `/api/v1/devices/${id}` })),
        target: (row, b) => {
          const ok = row.requestsPerSecond >= 0.5 * b.requestsPerSecond && row.p99 < 20;
          return ["≥ 0.5 × bare, p99 < 20 ms", ok];
        },
      },
      {
        name: "GET /devices?status=online&limit=100",
        requests: [{ method: "GET", path: "/api/v1/devices?status=online&limit=100" }],
      },
      {
        name: "POST /devices:batchGet (100 ids)",
        requests: batches.map((ids) => ({
          method: "POST",
          path: "/api/v1/devices:batchGet",
          body: JSON.stringify({ ids }),
        })),
        target: (row) => ["p99 < 30 ms", row.p99 < 30],
      },
    ];

    const rows: ApiBenchRow[] = [];
    const hitsBefore = await counterTotal("uaip_cache_hits_total");
    const missesBefore = await counterTotal("uaip_cache_misses_total");
    for (const s of scenarios) {
      if (opts.warmup > 0) await drive(server.url, key, s, opts, opts.warmup);
      rows.push(await drive(server.url, key, s, opts, opts.duration));
    }
    const hits = (await counterTotal("uaip_cache_hits_total")) - hitsBefore;
    const misses = (await counterTotal("uaip_cache_misses_total")) - missesBefore;
    await server.close();

    const bareRow = rows[0]!;
    await writeResults(
      "api",
      {
        title: `HTTP API under load: ${opts.devices} devices, ${opts.connections} connections, ${opts.duration} s per route`,
        columns,
        rows: rows.map((r, i) => {
          const [target, met] = scenarios[i]!.target?.(r, bareRow) ?? ["", true];
          return [
            r.scenario,
            r.requestsPerSecond,
            r.p50,
            r.p99,
            Math.round((r.requestsPerSecond / bareRow.requestsPerSecond) * 100) / 100,
            r.non2xx,
            r.errors,
            target || "-",
            target ? (met ? "yes" : "NO") : "-",
          ];
        }),
        meta: {
          devices: opts.devices,
          connections: opts.connections,
          durationSeconds: opts.duration,
          warmupSeconds: opts.warmup,
          loadSeconds: Math.round(loadSeconds * 10) / 10,
          cacheHits: hits,
          cacheMisses: misses,
          auth: "API key (Bearer), verified keys cached 5 s",
          loadGenerator: "autocannon, 1 worker thread, same machine",
        },
      },
      {
        ...(opts.resultsDir && { dir: opts.resultsDir }),
        ...(opts.print !== undefined && { print: opts.print }),
      },
    );
    return rows;
  } finally {
    await running?.stop();
    await apiDb?.destroy();
    await t.close();
  }
}

function positive(
  flag: string,
  value: string | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || (!allowZero && n === 0)) {
    throw new Error(
      `${flag} must be a ${allowZero ? "non-negative" : "positive"} integer, got "${value}"`,
    );
  }
  return n;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const { values } = parseArgs({
      options: {
        devices: { type: "string" },
        connections: { type: "string" },
        duration: { type: "string" },
        warmup: { type: "string" },
        out: { type: "string" },
      },
    });
    const resultsDir = values.out ?? process.env.BENCH_RESULTS_DIR;
    await main({
      devices: positive("--devices", values.devices, 10_000),
      connections: positive("--connections", values.connections, 10),
      duration: positive("--duration", values.duration, 10),
      warmup: positive("--warmup", values.warmup, 2, true),
      ...(resultsDir && { resultsDir }),
    });
    process.exit(0); // autocannon's worker and pools may hold the loop open
  } catch (err) {
    process.stderr.write(`bench api: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
