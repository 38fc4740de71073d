/**
 * What tracing costs: `GET /devices/{id}` and SDK ingest with tracing off, and on at 0 %,
 * 10 % and 100 % sampling, in the same run.
 *
 *   node --import tsx bench/tracing.ts [--devices 2000] [--connections 10] [--duration 5]
 *                                      [--events 20000] [--rounds 2] [--out dir]
 *
 * Loads a fleet into its own namespace (the Redis cache warm), serves the API with API keys
 * and the access log on (written to /dev/null: its serialization counts, a terminal does
 * not), and drives `GET /devices/{id}` with autocannon; then a device publishes a batch of
 * telemetry through the SDK. Each workload runs once per sampling mode per round, modes
 * alternating; the median is reported. With tracing on, spans are batched to an OTLP/HTTP
 * collector in another process that discards them, so the exporter's cost is counted.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createApiKey, createApp, listen } from "@uaip/api";
import { connectDevice } from "@uaip/device-sdk";
import { createEvent, streamName } from "@uaip/events";
import { loggerOptions, type TracingConfig } from "@uaip/platform";
import { startProjectors } from "@uaip/projector";
import { startTracing } from "@uaip/telemetry";
import { createTestHub, waitFor } from "@uaip/testkit";
import autocannon from "autocannon";
import { pino } from "pino";
import { startDiscardingCollector } from "./lib/discarding-collector.ts";
import { writeResults } from "./lib/results.ts";
import { rate, round } from "./lib/stats.ts";

export interface TracingBenchOptions {
  readonly devices: number;
  readonly connections: number;
  /** Seconds `GET /devices/{id}` is driven per mode and round. */
  readonly duration: number;
  /** Events the SDK publishes per mode and round. */
  readonly events: number;
  readonly rounds: number;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

// 0 %: the SDK registered (its context manager tracking every async step) but no span kept,
// which is the fixed cost of turning tracing on.
export const samplings = ["off", "0%", "10%", "100%"] as const;
export type Sampling = (typeof samplings)[number];

export interface TracingBenchRow {
  readonly workload: "GET /devices/{id}" | "SDK publishBatch";
  readonly sampling: Sampling;
  /** Requests or events per second (median of rounds). */
  readonly rate: number;
  /** p99 latency in ms (HTTP only). */
  readonly p99?: number;
  readonly non2xx: number;
}

export const columns = ["workload", "tracing", "rate /s", "vs off", "p99 ms", "non-2xx"];

const pad = (i: number) => `trc-${String(i).padStart(6, "0")}`;

const samplerOf = (s: Exclude<Sampling, "off">, endpoint: string): TracingConfig => ({
  endpoint,
  sampler: "parentbased_traceidratio",
  samplerRatio: { "0%": 0, "10%": 0.1, "100%": 1 }[s],
});

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function main(opts: TracingBenchOptions): Promise<TracingBenchRow[]> {
  const t = await createTestHub();
  await using collector = await startDiscardingCollector();
  const running = startProjectors(t, { batchSize: 500, batchWaitMs: 20 });
  const log = pino(
    loggerOptions("info", "bench"),
    pino.destination({ dest: "/dev/null", sync: true }),
  );
  try {
    for (let i = 0; i < opts.devices; i += 500) {
      const ids = Array.from({ length: Math.min(500, opts.devices - i) }, (_, k) => pad(i + k));
      await Promise.all(
        ids.map((id) =>
          t.publish(createEvent("device.registered", id, { name: id, type: "smart-bulb" })),
        ),
      );
    }
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    await waitFor(
      () =>
        running.projectors.every(
          (p) => !["devices", "redis"].includes(p.name) || p.position >= last,
        ),
      300_000,
      "projections caught up",
    );
    const api = createApp({
      namespace: t.namespace,
      db: t.db,
      redis: t.redis,
      nc: t.nc,
      jsm: t.jsm,
      logger: log,
      options: { auth: "required", rateLimitPerSecond: 0 },
    });
    const server = await listen({ fetch: (req) => api.fetch(req) }, "127.0.0.1", 0);
    const { key } = await createApiKey(t.db, { name: "bench", scopes: ["read"] });
    const requests = Array.from({ length: Math.min(opts.devices, 1000) }, (_, i) => ({
      method: "GET" as const,
      path: `/api/v1/devices/${pad(Math.floor((i * opts.devices) / Math.min(opts.devices, 1000)))}`,
    }));
    const device = await connectDevice({
      servers: t.config.nats.servers,
      namespace: t.namespace,
      deviceId: "trc-ingest",
      heartbeatMs: 0,
      announcePresence: false,
      window: 1024,
      bufferLimit: 10_000,
    });

    const http = async (seconds: number) => {
      const r = await autocannon({
        url: server.url,
        connections: opts.connections,
        duration: seconds,
        workers: 1,
        headers: { authorization: `Bearer ${key}` },
        requests,
      });
      return { rate: r.requests.total / seconds, p99: r.latency.p99, non2xx: r.non2xx };
    };
    const ingest = async () => {
      const events = function* () {
        for (let i = 0; i < opts.events; i++)
          yield createEvent("telemetry.reported", "trc-ingest", { metrics: { n: i } });
      };
      const started = performance.now();
      const r = await device.publishBatch(events());
      if (r.failed.length > 0) throw r.failed[0]!.error;
      return rate(opts.events, performance.now() - started);
    };
    /** Runs `fn` with tracing as `s` says; the buffered spans are flushed inside the timing. */
    const traced = async <T>(s: Sampling, fn: () => Promise<T>): Promise<T> => {
      if (s === "off") return fn();
      await using _tracing = startTracing(samplerOf(s, collector.endpoint), log, {
        defaultServiceName: "uaip-bench",
      });
      // Awaited here: tracing must stay on until the workload is done.
      return await fn();
    };

    // Untimed warm-up of each workload, then rounds with the modes alternating.
    await http(1);
    await ingest();
    const samples = new Map<string, { rate: number[]; p99: number[]; non2xx: number }>();
    const add = (k: string, rate: number, p99 = 0, non2xx = 0) => {
      const s = samples.get(k) ?? { rate: [], p99: [], non2xx: 0 };
      s.rate.push(rate);
      s.p99.push(p99);
      s.non2xx += non2xx;
      samples.set(k, s);
    };
    for (let round = 0; round < opts.rounds; round++) {
      for (const s of samplings) {
        const h = await traced(s, () => http(opts.duration));
        add(`http ${s}`, h.rate, h.p99, h.non2xx);
        add(`ingest ${s}`, await traced(s, ingest));
      }
    }
    await device.close();
    await server.close();
    const exported = await collector.stats();

    const rows: TracingBenchRow[] = [];
    for (const [workload, k] of [
      ["GET /devices/{id}", "http"],
      ["SDK publishBatch", "ingest"],
    ] as const) {
      for (const s of samplings) {
        const x = samples.get(`${k} ${s}`)!;
        rows.push({
          workload,
          sampling: s,
          rate: Math.round(median(x.rate)),
          ...(k === "http" ? { p99: median(x.p99) } : {}),
          non2xx: x.non2xx,
        });
      }
    }
    const offRate = (w: string) => rows.find((r) => r.workload === w && r.sampling === "off")!.rate;
    await writeResults(
      "tracing",
      {
        title: `Tracing overhead: off vs on at 0 %, 10 % and 100 % sampling (${opts.devices} devices, ${opts.connections} connections, ${opts.duration} s and ${opts.events} events per mode and round)`,
        columns,
        rows: rows.map((r) => [
          r.workload,
          r.sampling,
          r.rate,
          round(r.rate / offRate(r.workload), 3),
          r.p99 ?? "-",
          r.workload === "GET /devices/{id}" ? r.non2xx : "-",
        ]),
        meta: {
          devices: opts.devices,
          connections: opts.connections,
          durationSeconds: opts.duration,
          events: opts.events,
          rounds: opts.rounds,
          statistic: "median of rounds",
          sampler: "parentbased_traceidratio (0, 0.1 and 1)",
          exporter:
            "OTLP/HTTP JSON, BatchSpanProcessor defaults, to a discarding collector in another process",
          exportedRequests: exported.requests,
          exportedKiB: Math.round(exported.bytes / 1024),
          accessLog: "on, JSON to /dev/null",
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
    await running.stop();
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      devices: { type: "string", default: "2000" },
      connections: { type: "string", default: "10" },
      duration: { type: "string", default: "5" },
      events: { type: "string", default: "20000" },
      rounds: { type: "string", default: "2" },
      out: { type: "string" },
    },
  });
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(
        `bench/tracing: --${name}: must be a whole number above 0 (got "${raw}")\n`,
      );
      process.exit(2);
    }
    return n;
  };
  const resultsDir = values.out ?? process.env.BENCH_RESULTS_DIR;
  await main({
    devices: positive("devices", values.devices),
    connections: positive("connections", values.connections),
    duration: positive("duration", values.duration),
    events: positive("events", values.events),
    rounds: positive("rounds", values.rounds),
    ...(resultsDir && { resultsDir }),
  });
  process.exit(0); // autocannon's worker and the pools may hold the loop open
}
