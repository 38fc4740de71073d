/**
 * Projection throughput and lag, side by side with their ceilings, in one run.
 *
 *   node --import tsx bench/projections.ts [--events 200000] [--devices 10000] [--batch 500]
 *        [--rate 5000] [--lag-seconds 10] [--backlog 0] [--out dir]
 *
 * Publishes a mix of ~250-byte status, telemetry and command events into streams of a
 * namespace of its own, then measures: (a) the ceilings — consuming + acking the DEVICES
 * stream with no work, and a bare batched PostgreSQL upsert of the same rows; (b) each
 * projection catching up the whole backlog; (c) end-to-end lag (publish → checkpoint) while
 * publishing at a fixed rate; (d) with --backlog N, a `uaip start --only projectors` process's
 * peak RSS while it catches up N events.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { createEvent, type DeviceEvent, decodeEvent, streamName, subjects } from "@uaip/events";
import {
  commandsProjection,
  type DeviceRow,
  deviceStatusHistoryProjection,
  devicesProjection,
  deviceToRecord,
  evolveDevice,
  type ProjectionTarget,
  redisProjectionTarget,
  telemetryProjection,
} from "@uaip/projections";
import { Projector, postgresTarget, readCheckpoint } from "@uaip/projector";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { writeResults } from "./lib/results.ts";
import { percentile, round } from "./lib/stats.ts";

export interface ProjectionBenchOptions {
  readonly events: number;
  readonly devices: number;
  readonly batch: number;
  readonly rate: number;
  readonly lagSeconds: number;
  readonly backlog: number;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

const statuses = ["online", "offline", "error", "maintenance"] as const;

/** Registrations, then a deterministic mix: ~55% status changes, ~35% telemetry, ~10% commands. */
export function* benchEvents(devices: number, total: number): Generator<DeviceEvent> {
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  for (let d = 0; d < Math.min(devices, total); d++) {
    yield createEvent("device.registered", `dev-${d}`, {
      name: `Device number ${d}`,
      type: ["smart-bulb", "thermostat", "camera", "sensor"][d % 4]!,
      tags: ["bench", `zone-${d % 10}`],
      location: `site-${d % 50}`,
    });
  }
  for (let i = devices; i < total; i++) {
    const id = `dev-${(i * 7919) % devices}`;
    const k = i % 20;
    if (k < 11)
      yield createEvent("device.status_changed", id, {
        status: statuses[i % 4]!,
        reason: `periodic check ${i % 97}`,
      });
    else if (k < 18)
      yield createEvent("telemetry.reported", id, {
        metrics: { temperature: 18 + (i % 100) / 10, humidity: 30 + (i % 40), power: i % 2 },
      });
    else if (k === 18)
      yield createEvent("command.issued", id, {
        commandId: `c-${i}`,
        name: "set_power",
        params: { on: true },
        expiresAt,
      });
    else
      yield createEvent("command.completed", id, { commandId: `c-${i - 1}`, result: { ok: true } });
  }
}

async function publish(
  t: TestHub,
  events: Iterable<DeviceEvent>,
  window = 2_000,
): Promise<{ count: number; bytes: number }> {
  let pending: Promise<unknown>[] = [];
  let count = 0;
  let bytes = 0;
  for (const e of events) {
    const body = JSON.stringify(e);
    bytes += body.length;
    count++;
    pending.push(t.js.publish(t.subjects.forEvent(e), body, { msgID: e.id }));
    if (pending.length >= window) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  return { count, bytes };
}

const streamOf = (t: TestHub, kind: "devices" | "telemetry" | "commands") =>
  streamName(t.namespace, kind);

/** Ceiling 1: the DEVICES stream through a durable pull consumer, AckAll per batch, no work. */
async function rawConsume(t: TestHub, batch: number): Promise<number> {
  const stream = streamOf(t, "devices");
  const total = (await t.jsm.streams.info(stream)).state.messages;
  await t.jsm.consumers.add(stream, {
    durable_name: "bench-raw",
    ack_policy: AckPolicy.All,
    deliver_policy: DeliverPolicy.All,
    max_ack_pending: batch * 4,
  });
  const consumer = await t.js.consumers.get(stream, "bench-raw");
  const started = performance.now();
  const messages = await consumer.consume({ max_messages: batch * 2 });
  let n = 0;
  for await (const m of messages) {
    n++;
    if (n % batch === 0 || n === total) m.ack();
    if (n === total) break;
  }
  const ms = performance.now() - started;
  void messages.close();
  return (total * 1000) / ms;
}

/**
 * Ceiling 2: the same rows the devices projection writes (full rows, folded and collapsed
 * per batch ahead of time, untimed), upserted bare into a copy of the devices table with the
 * same indexes, with a checkpoint update, one transaction per batch. No read, no decode, no
 * fold: what PostgreSQL alone allows.
 */
async function bareUpsert(t: TestHub, batch: number): Promise<number> {
  await sql`CREATE TABLE bench_devices (LIKE devices INCLUDING ALL)`.execute(t.db);
  const stream = streamOf(t, "devices");
  const info = await t.jsm.streams.info(stream);
  const consumer = await t.js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume({ max_messages: batch * 2 });
  const s = subjects(t.namespace);
  const state = new Map<string, DeviceRow>();
  const batches: string[] = [];
  let changed = new Map<string, DeviceRow>();
  let n = 0;
  for await (const m of messages) {
    const decoded = decodeEvent(
      { stream, seq: m.seq, subject: m.subject, data: m.data, storedAt: new Date() },
      s,
    );
    if (decoded.ok) {
      const next = evolveDevice(state.get(decoded.value.event.deviceId), decoded.value);
      if (next) {
        state.set(next.id, next);
        changed.set(next.id, next);
      }
    }
    if (++n % batch === 0 || m.seq === info.state.last_seq) {
      batches.push(JSON.stringify([...changed.values()].map(deviceToRecord)));
      changed = new Map();
    }
    if (m.seq === info.state.last_seq) break;
  }
  void messages.close();
  const started = performance.now();
  for (const [i, json] of batches.entries()) {
    await t.db.transaction().execute(async (tx) => {
      await sql`
        INSERT INTO bench_devices AS d
        SELECT * FROM jsonb_populate_recordset(null::bench_devices, ${json}::jsonb)
        ON CONFLICT (id) DO UPDATE SET
          name = excluded.name, type = excluded.type, capabilities = excluded.capabilities,
          tags = excluded.tags, location = excluded.location, firmware = excluded.firmware,
          metadata = excluded.metadata, status = excluded.status, status_reason = excluded.status_reason,
          status_changed_at = excluded.status_changed_at, registered_at = excluded.registered_at,
          last_seen_at = excluded.last_seen_at, decommissioned_at = excluded.decommissioned_at,
          version = excluded.version`.execute(tx);
      await sql`UPDATE projection_checkpoints SET position = ${i} WHERE name = 'bench'`.execute(tx);
    });
  }
  return (info.state.messages * 1000) / (performance.now() - started);
}

/** One projection catching up its whole stream from 0; events/s over the stream's messages. */
async function catchUp(t: TestHub, target: ProjectionTarget, batch: number): Promise<number> {
  const stream = streamName(t.namespace, target.stream);
  const total = (await t.jsm.streams.info(stream)).state;
  const started = performance.now();
  const p = Projector.start({
    target,
    namespace: t.namespace,
    js: t.js,
    jsm: t.jsm,
    logger: t.logger,
    batchSize: batch,
    batchWaitMs: 20,
    deadLetters: false,
  });
  while (p.position < total.last_seq) await new Promise((r) => setTimeout(r, 2));
  const ms = performance.now() - started;
  await p.stop();
  return (total.messages * 1000) / ms;
}

/** Publishes at `rate` events/s for `seconds` and records publish → checkpoint lag per event. */
async function lagAtRate(
  t: TestHub,
  rate: number,
  seconds: number,
  batch: number,
  devices: number,
): Promise<{ p50: number; p99: number; achieved: number }> {
  const running = [devicesProjection, deviceStatusHistoryProjection].map((projection) =>
    Projector.start({
      target: postgresTarget(t.db, projection),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: batch,
      batchWaitMs: 20,
    }),
  );
  const published = new Map<number, number>();
  const lags: number[] = [];
  let done = false;
  const watcher = (async () => {
    let seen = await readCheckpoint(t.db, "devices");
    while (!done || published.size > 0) {
      const at = running[0]!.position;
      if (at > seen) {
        const now = performance.now();
        for (const [seq, sentAt] of published) {
          if (seq <= at) {
            lags.push(now - sentAt);
            published.delete(seq);
          }
        }
        seen = at;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const started = performance.now();
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  let sent = 0;
  const inflight: Promise<unknown>[] = [];
  for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
    for (let i = 0; i < perTick; i++) {
      const e = createEvent("device.status_changed", `dev-${(sent * 31) % devices}`, {
        status: statuses[sent % 4]!,
        reason: "lag probe",
      });
      const sentAt = performance.now();
      inflight.push(
        t.js
          .publish(t.subjects.forEvent(e), JSON.stringify(e), { msgID: e.id })
          .then((ack) => published.set(ack.seq, sentAt)),
      );
      sent++;
    }
    const next = started + (tick + 1) * tickMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  await Promise.all(inflight);
  const achieved = (sent * 1000) / (performance.now() - started);
  done = true;
  await watcher;
  await Promise.all(running.map((p) => p.stop()));
  return { p50: percentile(lags, 50), p99: percentile(lags, 99), achieved };
}

/** Peak RSS of a real projector process catching up `backlog` events. */
async function backlogRss(
  t: TestHub,
  backlog: number,
  devices: number,
): Promise<{ peakMb: number; seconds: number }> {
  await publish(t, benchEvents(devices, backlog));
  const bin = fileURLToPath(import.meta.resolve("@uaip/cli/bin/uaip.js"));
  const child = spawn(process.execPath, [bin, "start", "--only", "projectors"], {
    env: { ...process.env, ...t.env, LOG_LEVEL: "error" },
    stdio: "ignore",
  });
  const started = performance.now();
  let peak = 0;
  const last = (await t.jsm.streams.info(streamOf(t, "devices"))).state.last_seq;
  try {
    for (;;) {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb);
      if ((await readCheckpoint(t.db, "devices")) >= last) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    child.kill("SIGTERM");
  }
  return { peakMb: Math.round(peak / 1024), seconds: (performance.now() - started) / 1000 };
}

export async function runProjectionBench(
  o: ProjectionBenchOptions,
): Promise<Record<string, number>> {
  const rows: (string | number)[][] = [];
  const figures: Record<string, number> = {};
  const t = await createTestHub();
  try {
    const pub = await publish(t, benchEvents(o.devices, o.events));
    const devicesStream = (await t.jsm.streams.info(streamOf(t, "devices"))).state.messages;
    figures.raw_consume = await rawConsume(t, o.batch);
    rows.push([
      "ceiling: consume + AckAll, no work",
      "DEVICES",
      devicesStream,
      round(figures.raw_consume),
      "",
    ]);
    figures.bare_upsert = await bareUpsert(t, o.batch);
    rows.push([
      "ceiling: bare batched upsert of the same rows",
      "DEVICES",
      devicesStream,
      round(figures.bare_upsert),
      "",
    ]);
    const targets: ProjectionTarget[] = [
      postgresTarget(t.db, devicesProjection),
      postgresTarget(t.db, deviceStatusHistoryProjection),
      postgresTarget(t.db, telemetryProjection),
      postgresTarget(t.db, commandsProjection),
      redisProjectionTarget(t.redis, t.namespace, { jsm: t.jsm }),
    ];
    for (const target of targets) {
      const stream = streamName(t.namespace, target.stream);
      const n = (await t.jsm.streams.info(stream)).state.messages;
      figures[target.name] = await catchUp(t, target, o.batch);
      const vsCeiling =
        target.stream === "devices"
          ? `${round(figures[target.name]! / figures.bare_upsert, 2)} × bare upsert`
          : "";
      rows.push([
        `projection ${target.name} (catch-up)`,
        stream.split("_").pop()!,
        n,
        round(figures[target.name]!),
        vsCeiling,
      ]);
    }
    const lag = await lagAtRate(t, o.rate, o.lagSeconds, o.batch, o.devices);
    figures.lag_p50_ms = lag.p50;
    figures.lag_p99_ms = lag.p99;
    rows.push([
      `lag publish → devices checkpoint at ${o.rate} ev/s (achieved ${Math.round(lag.achieved)})`,
      "DEVICES",
      "",
      "",
      `p50 ${round(lag.p50)} ms, p99 ${round(lag.p99)} ms`,
    ]);
    if (o.backlog > 0) {
      const rss = await backlogRss(await createTestHub(), o.backlog, o.devices);
      figures.backlog_peak_rss_mb = rss.peakMb;
      rows.push([
        `projector process catching up ${o.backlog} events (all projections)`,
        "all",
        o.backlog,
        round((o.backlog * 1000) / (rss.seconds * 1000)),
        `peak RSS ${rss.peakMb} MB`,
      ]);
    }
    await writeResults(
      "projections",
      {
        title: `Projections: ${o.events} events over ${o.devices} devices, batch ${o.batch}`,
        columns: ["measurement", "stream", "events", "events/s", "note"],
        rows,
        meta: { ...o, publishedBytes: pub.bytes, avgEventBytes: Math.round(pub.bytes / pub.count) },
      },
      { ...(o.resultsDir ? { dir: o.resultsDir } : {}), print: o.print ?? true },
    );
    return figures;
  } finally {
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "200000" },
      devices: { type: "string", default: "10000" },
      batch: { type: "string", default: "500" },
      rate: { type: "string", default: "5000" },
      "lag-seconds": { type: "string", default: "10" },
      backlog: { type: "string", default: "0" },
      out: { type: "string" },
    },
  });
  await runProjectionBench({
    events: Number(values.events),
    devices: Number(values.devices),
    batch: Number(values.batch),
    rate: Number(values.rate),
    lagSeconds: Number(values["lag-seconds"]),
    backlog: Number(values.backlog),
    ...(values.out ? { resultsDir: values.out } : {}),
  });
  process.exit(0);
}
