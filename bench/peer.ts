/**
 * The hub beside a peer: the same device events (registrations, then status changes, over
 * --devices devices) made into an equivalent `devices` read model
 *   - by Emmett (@event-driven-io/emmett-postgresql): one appendToStream per event (one
 *     transaction each), the read model written by an inline projection in that transaction,
 *     --concurrency appenders (each owning a share of the devices, so per-device order holds);
 *   - by the hub: the events published to JetStream through the device SDK's batch path, the
 *     `devices` projection applying them as they arrive.
 * For each: events/s, and the time from the first event until the read model is complete.
 *
 *   node --import tsx bench/peer.ts [--devices 10000] [--status-per-device 2] [--concurrency 1,16] [--out dir]
 *
 * Emmett gets a database of its own (uaip_bench_emmett_<random>), dropped at the end; the hub
 * a namespace and database of its own (testkit). Both read models are compared at the end.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createEvent, type DeviceEvent, streamName } from "@uaip/events";
import { devicesProjection } from "@uaip/projections";
import { Projector, postgresTarget } from "@uaip/projector";
import { deviceConnector } from "@uaip/simulator";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { sql } from "kysely";
import { runEmmettDevices } from "./lib/emmett-devices.ts";
import { type PeerFact, peerFacts } from "./lib/peer-facts.ts";
import { writeResults } from "./lib/results.ts";
import { round } from "./lib/stats.ts";

export interface PeerBenchOptions {
  readonly devices: number;
  readonly statusPerDevice: number;
  /** Emmett runs, each with this many appenders at once (e.g. [1, 16]: sequential, then 16). */
  readonly concurrency: readonly number[];
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export const columns = [
  "system",
  "how",
  "events",
  "events/s",
  "read model complete s",
  "devices in read model",
  "differences",
  "hub faster by",
];

function hubEvent(f: PeerFact): DeviceEvent {
  return f.kind === "registered"
    ? createEvent("device.registered", f.deviceId, f.data, { occurredAt: f.at })
    : createEvent("device.status_changed", f.deviceId, f.data, { occurredAt: f.at });
}

async function runHub(t: TestHub, facts: readonly PeerFact[], projectFirst: boolean) {
  // A gateway speaking for every device through the SDK's batch path (events are built as
  // they are sent, not ahead of time).
  const connector = deviceConnector(
    { servers: t.config.nats.servers, namespace: t.namespace, heartbeatMs: 0 },
    { devices: 1, connections: 1 },
  );
  const gateway = await connector.connect("bench-gateway");
  const startProjector = () =>
    Projector.start({
      target: postgresTarget(t.db, devicesProjection),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: t.config.projector.batchSize,
      batchWaitMs: t.config.projector.batchWaitMs,
    });
  // End to end, the projection runs from the start; "projection only" starts it once every
  // event is stored, to show what the projection alone takes.
  let projector = projectFirst ? startProjector() : undefined;
  try {
    let started = performance.now();
    const result = await gateway.publishBatch(facts.map(hubEvent).values());
    const publishMs = performance.now() - started;
    if (result.failed.length > 0)
      throw new Error(
        `${result.failed.length} events not stored: ${result.failed[0]!.error.message}`,
      );
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    if (!projector) {
      started = performance.now();
      projector = startProjector();
    }
    while (projector.position < last) await new Promise((r) => setTimeout(r, 1));
    const ms = performance.now() - started;
    const rows = await t.db
      .selectFrom("devices")
      .select(["id", "status", "type"])
      .where(sql<boolean>`id LIKE 'peer-%'`)
      .execute();
    return { ms, publishMs, rows };
  } finally {
    await projector?.stop();
    await connector.disconnect(gateway, "kill");
    await connector.close();
  }
}

/** Devices whose final status or type differs between the two read models, or is missing from one. */
function differences(
  a: readonly { id: string; status: string; type: string }[],
  b: readonly { id: string; status: string; type: string }[],
): number {
  const byId = new Map(b.map((r) => [r.id, r]));
  let n = Math.abs(a.length - b.length);
  for (const r of a) {
    const other = byId.get(r.id);
    if (other && (other.status !== r.status || other.type !== r.type)) n++;
  }
  return n;
}

export interface PeerBenchReport {
  readonly namespace: string;
  readonly events: number;
  readonly hubMs: number;
  /** Per Emmett run: its appenders, its time, and its time ÷ the hub's. */
  readonly emmett: readonly {
    readonly concurrency: number;
    readonly ms: number;
    readonly ratio: number;
    readonly differences: number;
    /** Its database (dropped at the end). */
    readonly database: string;
  }[];
}

/** Runs the hub, then each Emmett run, and writes `peer.json` and `peer.md`. */
export async function main(o: PeerBenchOptions): Promise<PeerBenchReport> {
  const facts = peerFacts(o.devices, o.statusPerDevice);
  const n = facts.length;
  const t = await createTestHub();
  const alone = await createTestHub();
  try {
    const hub = await runHub(t, facts, true);
    const projectionOnly = await runHub(alone, facts, false);
    const emmett = [];
    for (const concurrency of o.concurrency) {
      const run = await runEmmettDevices(t.config.databaseUrl, facts, concurrency);
      emmett.push({
        concurrency,
        ms: run.ms,
        ratio: run.ms / hub.ms,
        differences: differences(hub.rows, run.rows),
        devices: run.rows.length,
        database: run.database,
      });
    }
    const perSecond = (ms: number) => Math.round((n * 1000) / ms);
    const rows: (string | number)[][] = [
      [
        "UAIP Hub",
        "SDK publishBatch to JetStream + devices projection",
        n,
        perSecond(hub.ms),
        round(hub.ms / 1000),
        hub.rows.length,
        "",
        "",
      ],
      [
        "UAIP Hub, projection only",
        "devices projection catching up the same events, stored beforehand",
        n,
        perSecond(projectionOnly.ms),
        round(projectionOnly.ms / 1000),
        projectionOnly.rows.length,
        differences(hub.rows, projectionOnly.rows),
        "",
      ],
      ...emmett.map((e) => [
        "Emmett 0.42 (PostgreSQL)",
        `appendToStream per event + inline projection, ${e.concurrency} appender${e.concurrency === 1 ? "" : "s"}`,
        n,
        perSecond(e.ms),
        round(e.ms / 1000),
        e.devices,
        e.differences,
        `${round(e.ratio)}×`,
      ]),
    ];
    const best = emmett.reduce((m, e) => (e.ms < m.ms ? e : m), emmett[0]!);
    await writeResults(
      "peer",
      {
        title: `Peer: the same ${n} device events (${o.devices} devices) into a devices read model, the hub vs Emmett`,
        columns,
        rows,
        meta: {
          ...o,
          events: n,
          target: "the hub completes the read model at least 20× faster than Emmett",
          ratioVsFastestEmmett: round(best.ratio),
          // Devices publish from elsewhere in production: the hub's own part is the projection.
          projectionOnlyRatioVsFastestEmmett: round(best.ms / projectionOnly.ms),
          targetMetVsFastestEmmett: best.ratio >= 20,
          ratios: Object.fromEntries(
            emmett.map((e) => [`${e.concurrency} appender(s)`, round(e.ratio)]),
          ),
          hubPublishSeconds: round(hub.publishMs / 1000),
          hubPublishEventsPerSecond: perSecond(hub.publishMs),
          differences:
            "devices whose final status or type differs from the hub's read model, or are missing (0: equivalent)",
          hubProjectorBatch: {
            size: t.config.projector.batchSize,
            waitMs: t.config.projector.batchWaitMs,
          },
        },
      },
      { ...(o.resultsDir ? { dir: o.resultsDir } : {}), print: o.print ?? true },
    );
    return { namespace: t.namespace, events: n, hubMs: hub.ms, emmett };
  } finally {
    await t.close();
    await alone.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      devices: { type: "string", default: "10000" },
      "status-per-device": { type: "string", default: "2" },
      concurrency: { type: "string", default: "1,16" },
      out: { type: "string" },
    },
  });
  const whole = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) {
      process.stderr.write(
        `bench/peer: --${name}: must be a whole number from ${min} (got "${raw}")\n`,
      );
      process.exit(2);
    }
    return n;
  };
  await main({
    devices: whole("devices", values.devices, 1),
    statusPerDevice: whole("status-per-device", values["status-per-device"], 0),
    concurrency: values.concurrency.split(",").map((c) => whole("concurrency", c.trim(), 1)),
    ...(values.out ? { resultsDir: values.out } : {}),
  });
  process.exit(0);
}
