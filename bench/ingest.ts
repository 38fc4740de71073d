/**
 * Device SDK publish rate vs a raw JetStream publish loop, one process, same events, same run.
 *
 *   node --import tsx bench/ingest.ts [--events 100000] [--window 1024] [--rounds 3] [--out dir]
 *
 * NATS_URL (default nats://127.0.0.1:4222) picks the server, BENCH_RESULTS_DIR (or --out)
 * where ingest.json and ingest.md go. Streams live under a namespace of their own, deleted
 * at the end.
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { connectDevice } from "@uaip/device-sdk";
import { createEvent, type DeviceEvent, subjects } from "@uaip/events";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import { writeResults } from "./lib/results.ts";
import { rate, round } from "./lib/stats.ts";

export interface IngestBenchOptions {
  readonly events: number;
  /** Publishes in flight at once, in every mode. */
  readonly window: number;
  /** Timed runs of each mode (alternating); the median rate is reported. */
  readonly rounds: number;
  readonly natsUrl: string;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export const modes = [
  "raw js.publish loop",
  "sdk publishBatch",
  "sdk reportTelemetry",
  "core publish + ack count (ceiling)",
] as const;
export type IngestMode = (typeof modes)[number];

export const columns = ["mode", "events", "events/s", "vs raw js.publish"];

export interface IngestBenchReport {
  readonly namespace: string;
  readonly rates: Record<IngestMode, number>;
}

const deviceId = "bench-device";
const telemetry = (i: number): DeviceEvent =>
  createEvent("telemetry.reported", deviceId, { metrics: { temperature: (i % 400) / 10, n: i } });

/** Runs `start(i)` for i in [0, n) with at most `window` unsettled at once. */
function windowed(
  n: number,
  window: number,
  start: (i: number) => Promise<unknown>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let settled = 0;
    const launch = () => {
      while (next < n && next - settled < window) {
        start(next++).then(() => {
          if (++settled === n) resolve();
          else launch();
        }, reject);
      }
    };
    if (n === 0) resolve();
    else launch();
  });
}

async function rawJsPublish(nc: NatsConnection, ns: string, n: number, window: number) {
  const js = jetstream(nc, { timeout: 30_000 });
  const s = subjects(ns);
  await windowed(n, window, (i) => {
    const e = telemetry(i);
    return js.publish(s.forEvent(e), JSON.stringify(e), { msgID: e.id });
  });
}

/** The ceiling: core publishes with a reply subject, acks counted on one subscription. */
async function coreWithAckCount(nc: NatsConnection, ns: string, n: number, window: number) {
  const s = subjects(ns);
  const inbox = `_INBOX.bench.${randomBytes(4).toString("hex")}`;
  let acked = 0;
  let sent = 0;
  await new Promise<void>((resolve) => {
    const send = () => {
      while (sent < n && sent - acked < window) {
        const e = telemetry(sent++);
        const h = headers();
        h.set("Nats-Msg-Id", e.id);
        nc.publish(s.forEvent(e), JSON.stringify(e), { reply: inbox, headers: h });
      }
    };
    const sub = nc.subscribe(inbox, {
      callback: () => {
        if (++acked === n) {
          sub.unsubscribe();
          resolve();
        } else send();
      },
    });
    send();
  });
}

export async function main(opts: IngestBenchOptions): Promise<IngestBenchReport> {
  const namespace = `bench_ingest_${randomBytes(4).toString("hex")}`;
  const nc = await connect({
    servers: opts.natsUrl,
    noAsyncTraces: true,
    name: "uaip-bench-ingest",
  });
  const jsm = await jetstreamManager(nc);
  const definitions = streamDefinitions(namespace);
  await applyStreams(jsm, definitions);
  const device = await connectDevice({
    servers: opts.natsUrl,
    namespace,
    deviceId,
    heartbeatMs: 0,
    announcePresence: false,
    window: opts.window,
    bufferLimit: Math.max(10_000, opts.window * 4),
  });
  try {
    const run: Record<IngestMode, () => Promise<unknown>> = {
      "raw js.publish loop": () => rawJsPublish(nc, namespace, opts.events, opts.window),
      "sdk publishBatch": async () => {
        const events = function* () {
          for (let i = 0; i < opts.events; i++) yield telemetry(i);
        };
        const r = await device.publishBatch(events());
        if (r.failed.length > 0) throw r.failed[0]!.error;
      },
      "sdk reportTelemetry": () =>
        windowed(opts.events, opts.window, (i) =>
          device.reportTelemetry({ temperature: (i % 400) / 10, n: i }),
        ),
      "core publish + ack count (ceiling)": () =>
        coreWithAckCount(nc, namespace, opts.events, opts.window),
    };
    // One untimed warm-up of each, then the rounds, alternating modes so drift hits all alike.
    for (const mode of modes) await run[mode]();
    const samples = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<
      IngestMode,
      number[]
    >;
    for (let r = 0; r < opts.rounds; r++) {
      for (const mode of modes) {
        const started = process.hrtime.bigint();
        await run[mode]();
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        samples[mode].push(rate(opts.events, ms));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const rates = Object.fromEntries(modes.map((m) => [m, median(samples[m])])) as Record<
      IngestMode,
      number
    >;
    const raw = rates["raw js.publish loop"];
    await writeResults(
      "ingest",
      {
        title:
          "Device SDK publish rate vs a raw JetStream publish loop (one process, one connection each)",
        columns,
        rows: modes.map((m) => [m, opts.events, Math.round(rates[m]), round(rates[m] / raw, 3)]),
        meta: {
          events: opts.events,
          window: opts.window,
          rounds: opts.rounds,
          statistic: "median of rounds",
          event: "telemetry.reported with 2 metrics, built and validated per event in every mode",
          nats: nc.info?.version ?? "unknown",
        },
      },
      { ...(opts.resultsDir ? { dir: opts.resultsDir } : {}), print: opts.print ?? true },
    );
    return { namespace, rates };
  } finally {
    await device.close();
    for (const def of Object.values(definitions))
      await jsm.streams.delete(def.name).catch(() => {});
    await nc.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "100000" },
      window: { type: "string", default: "1024" },
      rounds: { type: "string", default: "3" },
      out: { type: "string" },
    },
  });
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(
        `bench/ingest: --${name}: must be a whole number above 0 (got "${raw}")\n`,
      );
      process.exit(2);
    }
    return n;
  };
  await main({
    events: positive("events", values.events),
    window: positive("window", values.window),
    rounds: positive("rounds", values.rounds),
    natsUrl: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    ...((values.out ?? process.env.BENCH_RESULTS_DIR)
      ? { resultsDir: values.out ?? process.env.BENCH_RESULTS_DIR }
      : {}),
  });
}
