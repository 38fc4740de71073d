/**
 * Batch vs one-by-one for the six device-cache operations, against the real Redis.
 *
 *   node --import tsx bench/cache.ts [--ids 100] [--rounds 200] [--warmup 10] [--out dir]
 *
 * REDIS_URL (default redis://127.0.0.1:6379) picks the server, BENCH_RESULTS_DIR (or --out)
 * where cache.json and cache.md go. Keys live under a namespace of their own, removed at the end.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type DeviceCache, type DeviceStatusEntry, deviceCache } from "@uaip/cache";
import { createRedis } from "@uaip/platform";
import type { DeviceRow } from "@uaip/projections";
import { countRoundTrips } from "@uaip/testkit";
import type { Redis } from "ioredis";
import { deviceCacheOneByOne } from "./lib/device-cache-one-by-one.ts";
import { writeResults } from "./lib/results.ts";
import { rate, round, type Summary, summarize, timed } from "./lib/stats.ts";

export interface CacheBenchOptions {
  readonly ids: number;
  readonly rounds: number;
  /** Untimed calls of each operation and mode before the timed ones. */
  readonly warmup: number;
  readonly redisUrl: string;
  /** Where results go; bench/results/ when absent. */
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export interface CacheBenchRow {
  readonly operation: string;
  readonly mode: "batch" | "one-by-one";
  readonly timings: Summary;
  readonly roundTripsPerCall: number;
}

/** One operation: `prepare` builds a call's argument (untimed) and returns the call to time. */
interface Operation {
  readonly name: keyof DeviceCache;
  prepare(): Promise<(cache: DeviceCache) => Promise<unknown>>;
}

export const columns = [
  "operation",
  "mode",
  "calls/s",
  "ids/s",
  "mean ms",
  "p50 ms",
  "p99 ms",
  "round trips/call",
  "speedup vs one-by-one",
];

export interface CacheBenchReport {
  /** The key prefix the run used (and removed at the end). */
  readonly namespace: string;
  readonly results: CacheBenchRow[];
}

export async function main(opts: CacheBenchOptions): Promise<CacheBenchReport> {
  const namespace = `bench_cache_${randomBytes(4).toString("hex")}`;
  const redis = createRedis(opts.redisUrl, { name: "uaip-bench-cache" });
  await redis.connect();
  try {
    const modes = {
      batch: deviceCache(redis, namespace),
      "one-by-one": deviceCacheOneByOne(redis, namespace),
    } as const;
    const ids = Array.from({ length: opts.ids }, (_, i) => `bench-${i}`);
    let version = 0;
    // Every write carries a newer version than the last, so the guarded scripts really write.
    const rows = () => {
      version++;
      return ids.map((id, i) => benchRow(id, i, version));
    };
    const statuses = (): DeviceStatusEntry[] => {
      version++;
      return ids.map((id, i) => ({
        id,
        status: (["online", "offline", "error"] as const)[(i + version) % 3]!,
        statusReason: version % 2 ? "bench" : null,
        statusChangedAt: new Date(Date.UTC(2026, 10, 21, 0, 0, version)).toISOString(),
        version,
      }));
    };
    const fill = () => modes.batch.cacheDevices(rows());

    const operations: Operation[] = [
      {
        name: "cacheDevices",
        prepare: async () => {
          const r = rows();
          return (c) => c.cacheDevices(r);
        },
      },
      { name: "getDevices", prepare: async () => (c) => c.getDevices(ids) },
      {
        name: "cacheStatuses",
        prepare: async () => {
          const s = statuses();
          return (c) => c.cacheStatuses(s);
        },
      },
      { name: "getStatuses", prepare: async () => (c) => c.getStatuses(ids) },
      { name: "cached", prepare: async () => (c) => c.cached(ids) },
      {
        name: "invalidate",
        // Each invalidate needs something to delete: refill first, outside the timing.
        prepare: async () => {
          await fill();
          return (c) => c.invalidate(ids);
        },
      },
    ];

    const results: CacheBenchRow[] = [];
    using trips = countRoundTrips(redis);
    for (const operation of operations) {
      await fill();
      const samples = { batch: [] as number[], "one-by-one": [] as number[] };
      const writes = { batch: 0, "one-by-one": 0 };
      const order = Object.keys(modes) as (keyof typeof modes)[];
      // Modes alternate call by call, so drift (GC, other load) hits both alike.
      for (let r = 0; r < opts.warmup + opts.rounds; r++) {
        for (const mode of r % 2 ? [...order].reverse() : order) {
          const call = await operation.prepare();
          trips.reset();
          const ms = await timed(() => call(modes[mode]));
          if (r < opts.warmup) continue;
          samples[mode].push(ms);
          writes[mode] += trips.count;
        }
      }
      for (const mode of order) {
        results.push({
          operation: operation.name,
          mode,
          timings: summarize(samples[mode]),
          roundTripsPerCall: writes[mode] / opts.rounds,
        });
      }
    }

    await writeResults(
      "cache",
      {
        title: `Device cache: batch vs one-by-one, ${opts.ids} ids per call, ${opts.rounds} calls each`,
        columns,
        rows: tableRows(results, opts.ids),
        meta: {
          ids: opts.ids,
          rounds: opts.rounds,
          warmup: opts.warmup,
          redis: await redisVersion(redis),
          redisServer: serverOf(opts.redisUrl),
          roundTrips: "socket writes of the client per call: a pipeline or script call is 1",
        },
      },
      { ...(opts.resultsDir && { dir: opts.resultsDir }), print: opts.print ?? true },
    );
    return { namespace, results };
  } finally {
    await removeKeys(redis, `${namespace}:*`);
    await redis.quit();
  }
}

function tableRows(results: readonly CacheBenchRow[], ids: number): (string | number)[][] {
  return results.map((r) => {
    const baseline = results.find((b) => b.operation === r.operation && b.mode === "one-by-one")!;
    return [
      r.operation,
      r.mode,
      round(rate(1, r.timings.mean), 4),
      round(rate(ids, r.timings.mean), 4),
      round(r.timings.mean),
      round(r.timings.p50),
      round(r.timings.p99),
      round(r.roundTripsPerCall),
      round(baseline.timings.mean / r.timings.mean),
    ];
  });
}

function benchRow(id: string, i: number, version: number): DeviceRow {
  const at = new Date(Date.UTC(2026, 10, 21, 0, 0, version)).toISOString();
  return {
    id,
    name: `Bench device ${i}`,
    type: ["smart-bulb", "thermostat", "sensor"][i % 3]!,
    capabilities: ["set_power", "dim"],
    tags: ["bench", `rack-${i % 8}`],
    location: i % 4 ? `room ${i % 20}` : null,
    firmware: "2.4.1",
    metadata: { vendor: "acme", batch: i % 5, calibrated: true },
    status: i % 2 ? "online" : "offline",
    statusReason: null,
    statusChangedAt: at,
    registeredAt: "2026-11-21T00:00:00.000Z",
    lastSeenAt: at,
    decommissionedAt: null,
    version,
  };
}

async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info("server");
  return /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown";
}

/** Host and port only: a URL may carry a password. */
function serverOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || "6379"}`;
}

async function removeKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || (flag !== "--warmup" && n === 0)) {
    throw new Error(
      `${flag} must be a ${flag === "--warmup" ? "non-negative" : "positive"} integer, got "${value}"`,
    );
  }
  return n;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const { values } = parseArgs({
      options: {
        ids: { type: "string" },
        rounds: { type: "string" },
        warmup: { type: "string" },
        out: { type: "string" },
      },
    });
    const resultsDir = values.out ?? process.env.BENCH_RESULTS_DIR;
    await main({
      ids: positiveInt("--ids", values.ids, 100),
      rounds: positiveInt("--rounds", values.rounds, 200),
      warmup: positiveInt("--warmup", values.warmup, 10),
      redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      ...(resultsDir && { resultsDir }),
    });
  } catch (err) {
    process.stderr.write(`bench cache: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
