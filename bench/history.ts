/**
 * History: replay export vs raw ordered-consumer read, backup and restore, against the real
 * NATS and PostgreSQL, in one run on one machine.
 *
 *   node --import tsx bench/history.ts [--events 100000] [--devices 1000] [--out dir]
 *   node --import tsx bench/history.ts --events 1000000     # the figure the issue asks for
 *
 * NATS_URL and DATABASE_URL pick the servers; BENCH_RESULTS_DIR (or --out) where history.json
 * and history.md go. Streams live under a namespace of their own and a database of their
 * own (`uaip_bench_<namespace>`), both removed at the end.
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { DeliverPolicy } from "@nats-io/jetstream";
import { createInbox, type NatsConnection } from "@nats-io/transport-node";
import { createEvent, type DeviceEvent, StreamKinds, streamName, subjects } from "@uaip/events";
import {
  createBackup,
  exportRecords,
  ndjsonFormat,
  openReplay,
  planRestore,
  restoreBackup,
} from "@uaip/history";
import { migrateDown, migrateUp } from "@uaip/migrations";
import {
  connectNats,
  createDatabase,
  createLogger,
  dropDatabase,
  ensureDatabase,
  jetStreamHandles,
  loadConfig,
} from "@uaip/platform";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import { writeResults } from "./lib/results.ts";

export interface HistoryBenchOptions {
  readonly events: number;
  readonly devices: number;
  /** Where results go; bench/results/ when absent. */
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export const columns = ["step", "stream", "events", "seconds", "events/s", "MiB", "note"];

export interface HistoryBenchReport {
  readonly namespace: string;
  readonly rows: (string | number)[][];
}

/** Mix of the hub's event kinds: registrations first, then status changes, telemetry, commands. */
function* benchEvents(total: number, devices: number): Generator<DeviceEvent> {
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
  let n = 0;
  for (let d = 0; d < devices && n < total; d++, n++)
    yield createEvent("device.registered", `dev-${d}`, { name: `Device ${d}`, type: "sensor" });
  for (let i = 0; n < total; i++) {
    const id = `dev-${(i * 7919) % devices}`;
    if (i % 5 < 2) {
      n++;
      yield createEvent("device.status_changed", id, {
        status: statuses[i % 4]!,
        reason: `r${i % 9}`,
      });
    } else if (i % 5 < 4) {
      n++;
      yield createEvent("telemetry.reported", id, {
        metrics: { temperature: (i % 400) / 10, power: i % 2 },
      });
    } else {
      const commandId = `c${i}`;
      const phases = [
        createEvent("command.issued", id, {
          commandId,
          name: "set_power",
          params: { on: true },
          expiresAt,
        }),
        createEvent("command.delivered", id, { commandId, attempt: 1 }),
        createEvent("command.completed", id, { commandId, result: { ok: true } }),
      ];
      for (const e of phases) if (n++ < total) yield e;
    }
  }
}

/** Core publishes with a reply subject, every JetStream ack counted: ~90k/s on 2 cores. */
async function load(nc: NatsConnection, namespace: string, total: number, devices: number) {
  const s = subjects(namespace);
  const inbox = createInbox();
  let acked = 0;
  let failed = 0;
  let wake: (() => void) | undefined;
  const sub = nc.subscribe(inbox, {
    callback: (_err, m) => {
      if (m.data.length > 0 && m.string().includes('"error"')) failed++;
      acked++;
      wake?.();
    },
  });
  let sent = 0;
  for (const e of benchEvents(total, devices)) {
    nc.publish(s.forEvent(e), JSON.stringify(e), { reply: inbox });
    sent++;
    while (sent - acked > 5_000) await new Promise<void>((r) => (wake = r));
  }
  while (acked < sent) await new Promise<void>((r) => (wake = r));
  sub.unsubscribe();
  if (failed > 0) throw new Error(`${failed} publishes were refused`);
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const mib = (bytes: number) => round(bytes / 2 ** 20);

export async function main(opts: HistoryBenchOptions): Promise<HistoryBenchReport> {
  const namespace = `bench_hist_${randomBytes(4).toString("hex")}`;
  const base = loadConfig(process.env);
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/uaip_bench_${namespace}`;
  const config = loadConfig({
    ...process.env,
    UAIP_NAMESPACE: namespace,
    DATABASE_URL: dbUrl.toString(),
  });
  const logger = createLogger("warn", "bench");
  const nc = await connectNats(config.nats, "uaip-bench-history");
  const { js, jsm } = await jetStreamHandles(nc);
  await ensureDatabase(config.databaseUrl);
  const db = createDatabase(config.databaseUrl, {
    namespace: config.namespace,
    name: "uaip-bench-history",
  });
  const work = await mkdtemp(join(tmpdir(), "uaip-bench-history-"));
  const rows: (string | number)[][] = [];
  try {
    await applyStreams(jsm, streamDefinitions(namespace));
    const migrated = await migrateUp(db);
    if (migrated.error) throw migrated.error;

    let t0 = performance.now();
    await load(nc, namespace, opts.events, opts.devices);
    let secs = (performance.now() - t0) / 1000;
    rows.push([
      "load (core publish, acks counted)",
      "all",
      opts.events,
      round(secs, 2),
      Math.round(opts.events / secs),
      "",
      "",
    ]);

    for (const kind of ["devices", "telemetry", "commands"] as const) {
      const stream = streamName(namespace, kind);
      const messages = (await jsm.streams.info(stream)).state.messages;
      // Raw: the ordered consumer alone, no decoding, nothing written.
      t0 = performance.now();
      const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
      const it = await consumer.consume({ max_messages: 512 });
      let read = 0;
      for await (const m of it) {
        read++;
        if (m.info.pending === 0) break;
      }
      await consumer.delete().catch(() => {});
      secs = (performance.now() - t0) / 1000;
      rows.push([
        "raw ordered-consumer read",
        kind,
        read,
        round(secs, 2),
        Math.round(read / secs),
        "",
        "no decode, no output",
      ]);
      // Replay: decode, upcast, NDJSON, written to a file with backpressure.
      const file = join(work, `${kind}.ndjson`);
      const out = createWriteStream(file);
      t0 = performance.now();
      const replay = await openReplay({ js, jsm, namespace }, { stream: kind });
      const report = await exportRecords(replay.records, out, ndjsonFormat);
      out.end();
      await finished(out);
      secs = (performance.now() - t0) / 1000;
      const size = (await stat(file)).size;
      rows.push([
        "replay export to NDJSON file",
        kind,
        report.records,
        round(secs, 2),
        Math.round(report.records / secs),
        mib(size),
        `of ${messages}`,
      ]);
      await rm(file);
    }

    t0 = performance.now();
    const backup = await createBackup({ nc, jsm, db, namespace }, { out: work });
    secs = (performance.now() - t0) / 1000;
    const backupBytes = backup.manifest.streams.reduce((n, s) => n + s.file.bytes, 0);
    rows.push([
      "backup (snapshot every stream)",
      "all",
      opts.events,
      round(secs, 2),
      Math.round(opts.events / secs),
      mib(backupBytes),
      "s2-compressed tar per stream",
    ]);

    for (const kind of StreamKinds)
      await jsm.streams.delete(streamName(namespace, kind)).catch(() => {});
    const down = await migrateDown(db, 100);
    if (down.error) throw down.error;
    const deps = { nc, js, jsm, db, namespace, logger, batchSize: 500 };
    const plan = await planRestore(deps, backup.dir);
    const restored = await restoreBackup(deps, plan);
    const streamSecs = restored.streams.reduce((n, s) => n + s.seconds, 0);
    rows.push([
      "restore streams",
      "all",
      opts.events,
      round(streamSecs, 2),
      Math.round(opts.events / streamSecs),
      mib(backupBytes),
      restored.ok ? "counts match the manifest" : "MISMATCH",
    ]);
    for (const p of restored.projections) {
      rows.push([
        `rebuild ${p.name}`,
        "",
        p.events,
        round(p.rebuildSeconds, 2),
        Math.round(p.events / Math.max(p.rebuildSeconds, 0.001)),
        "",
        "",
      ]);
      rows.push([
        `verify ${p.name}`,
        "",
        p.events,
        round(p.verifySeconds, 2),
        Math.round(p.events / Math.max(p.verifySeconds, 0.001)),
        "",
        `drift ${p.drift}`,
      ]);
    }
    rows.push([
      "restore total (streams + rebuild + verify)",
      "all",
      opts.events,
      round(restored.seconds, 2),
      Math.round(opts.events / restored.seconds),
      "",
      restored.ok ? "ok" : "PROBLEMS",
    ]);

    await writeResults(
      "history",
      {
        title: `History: replay, backup and restore of ${opts.events} events (${opts.devices} devices)`,
        columns,
        rows,
        meta: { events: opts.events, devices: opts.devices, natsServer: nc.info?.version },
      },
      { ...(opts.resultsDir ? { dir: opts.resultsDir } : {}), print: opts.print ?? true },
    );
    return { namespace, rows };
  } finally {
    for (const kind of StreamKinds)
      await jsm.streams.delete(streamName(namespace, kind)).catch(() => {});
    await db.destroy();
    await dropDatabase(config.databaseUrl).catch(() => {});
    await nc.close();
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      events: { type: "string", default: "100000" },
      devices: { type: "string", default: "1000" },
      out: { type: "string" },
    },
  });
  const resultsDir = values.out ?? process.env.BENCH_RESULTS_DIR;
  await main({
    events: Number(values.events),
    devices: Number(values.devices),
    ...(resultsDir ? { resultsDir } : {}),
  });
}
