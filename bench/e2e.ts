/**
 * End to end: simulated devices → JetStream → projections, with the hub running in this
 * process as `uaip start` runs it (startHub: API, every projector, dispatcher and presence
 * watchdog) on a namespace and database of its own.
 *
 *   node --import tsx bench/e2e.ts [--devices 1000] [--rate 10000] [--status-rate 5000,10000]
 *        [--seconds 20] [--out dir]
 *
 * Two loads, one after the other, from the same simulated devices (each a device-SDK
 * client; they share a few NATS connections, as `uaip simulate load-test` does):
 *   1. the simulator's fleet at --rate events/s (mostly telemetry, some status changes);
 *   2. status changes only at each --status-rate in turn: every event goes to `devices`.
 * For each projection fed, the lag of every event: from handing it to the SDK until the
 * projection's checkpoint passes its sequence (the projector's position, polled every 2 ms).
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { DeviceClient } from "@uaip/device-sdk";
import { streamName } from "@uaip/events";
import { type RunningHub, startHub } from "@uaip/hub";
import {
  type DeviceConnector,
  deviceConnector,
  fleetStats,
  loadFleet,
  runFleet,
  type StoredEvent,
} from "@uaip/simulator";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { writeResults } from "./lib/results.ts";
import { percentile, round } from "./lib/stats.ts";

export interface E2eBenchOptions {
  readonly devices: number;
  /** Events/s of the simulator's fleet (load 1). */
  readonly rate: number;
  /** Status changes/s of load 2, one run per rate. */
  readonly statusRates: readonly number[];
  /** Length of each load. */
  readonly seconds: number;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export const columns = [
  "load",
  "projection",
  "target ev/s",
  "published ev/s",
  "applied ev/s",
  "events",
  "lag p50 ms",
  "lag p99 ms",
  "lag max ms",
  "publish→ack p99 ms",
];

/** An event the hub acknowledged: its sequence in its stream and when it was handed over. */
interface Sent {
  readonly seq: number;
  readonly sentAt: number;
}

/** When a projector's checkpoint reached each position (positions only grow). */
interface Timeline {
  readonly at: number[];
  readonly position: number[];
  stop(): void;
}

function watch(hub: RunningHub, name: string): Timeline {
  const projector = hub.projectors.find((p) => p.name === name);
  if (!projector) throw new Error(`the hub runs no "${name}" projector`);
  const at: number[] = [performance.now()];
  const position: number[] = [projector.position];
  const timer = setInterval(() => {
    if (projector.position > position.at(-1)!) {
      position.push(projector.position);
      at.push(performance.now());
    }
  }, 2);
  return { at, position, stop: () => clearInterval(timer) };
}

/** Publish → checkpoint lag of each event, found by binary search in the timeline. */
function lags(sent: readonly Sent[], t: Timeline): { lags: number[]; lastAppliedAt: number } {
  const out: number[] = [];
  let lastAppliedAt = 0;
  for (const e of sent) {
    let lo = 0;
    let hi = t.position.length - 1;
    if (t.position[hi]! < e.seq) continue; // never applied (counted as missing)
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.position[mid]! >= e.seq) hi = mid;
      else lo = mid + 1;
    }
    const appliedAt = Math.max(t.at[lo]!, e.sentAt);
    out.push(appliedAt - e.sentAt);
    lastAppliedAt = Math.max(lastAppliedAt, appliedAt);
  }
  return { lags: out, lastAppliedAt };
}

async function caughtUp(hub: RunningHub, t: TestHub, names: string[], timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    const p = hub.projectors.find((x) => x.name === name)!;
    const stream = streamName(t.namespace, name === "telemetry" ? "telemetry" : "devices");
    const last = (await t.jsm.streams.info(stream)).state.last_seq;
    while (p.position < last) {
      if (Date.now() > deadline)
        throw new Error(`${name} did not catch up to ${last} (at ${p.position})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Load 1: the simulator's fleet, as `uaip simulate load-test` runs it. */
async function fleetLoad(t: TestHub, hub: RunningHub, o: E2eBenchOptions) {
  const sent = { telemetry: [] as Sent[], devices: [] as Sent[] };
  const timelines = { telemetry: watch(hub, "telemetry"), devices: watch(hub, "devices") };
  let inWindow = false;
  const stats = fleetStats();
  const summary = await runFleet({
    devices: loadFleet(["smart-bulb", "thermostat", "camera", "sensor"], o.devices, "e2e", o.rate),
    connector: deviceConnector(
      { servers: t.config.nats.servers, namespace: t.namespace },
      { devices: o.devices },
    ),
    seed: 1,
    durationMs: o.seconds * 1000,
    stats,
    onStarted: () => {
      inWindow = true;
    },
    onStored: (e: StoredEvent) => {
      if (!inWindow) return;
      (e.kind === "telemetry" ? sent.telemetry : sent.devices).push({
        seq: e.seq,
        sentAt: e.sentAt,
      });
    },
  });
  await caughtUp(hub, t, ["telemetry", "devices"]);
  for (const tl of Object.values(timelines)) tl.stop();
  // Status changes of the fleet are rare (faults); a short run may have none.
  const fed = (["telemetry", "devices"] as const).filter((name) => sent[name].length >= 100);
  const rows = fed.map((name) => {
    return row(
      "simulated fleet",
      name,
      o.rate,
      summary.eventsPerSecond,
      sent[name],
      timelines[name],
      summary.publishLatencyMs.p99,
    );
  });
  return { rows, summary };
}

/** Load 2: status changes only, from devices of their own, round robin at each rate in turn. */
async function statusLoad(t: TestHub, hub: RunningHub, o: E2eBenchOptions) {
  const connector: DeviceConnector = deviceConnector(
    { servers: t.config.nats.servers, namespace: t.namespace, heartbeatMs: 0 },
    { devices: o.devices },
  );
  const clients: DeviceClient[] = [];
  for (let i = 0; i < o.devices; i += 100) {
    const batch = Array.from({ length: Math.min(100, o.devices - i) }, (_, j) =>
      connector.connect(`status-${String(i + j + 1).padStart(5, "0")}`),
    );
    clients.push(...(await Promise.all(batch)));
  }
  const rows: (string | number)[][] = [];
  let errors = 0;
  let n = 0;
  try {
    for (const rate of o.statusRates) {
      await caughtUp(hub, t, ["devices"]);
      const phase = await statusPhase(hub, clients, rate, o.seconds, n);
      n = phase.next;
      errors += phase.errors;
      await caughtUp(hub, t, ["devices"]);
      phase.timeline.stop();
      rows.push(
        row(
          "status changes",
          "devices",
          rate,
          phase.publishedRate,
          phase.sent,
          phase.timeline,
          percentile(phase.ackMs, 99),
        ),
      );
    }
  } finally {
    await Promise.all(clients.map((c) => connector.disconnect(c, "kill")));
    await connector.close();
  }
  return { rows, errors };
}

/** `rate` status changes per second for `seconds`, paced in 10 ms ticks; `from` numbers them on. */
async function statusPhase(
  hub: RunningHub,
  clients: readonly DeviceClient[],
  rate: number,
  seconds: number,
  from: number,
) {
  const timeline = watch(hub, "devices");
  const sent: Sent[] = [];
  const ackMs: number[] = [];
  const statuses = ["maintenance", "online", "error", "online"] as const;
  const tickMs = 10;
  const started = performance.now();
  let n = from;
  let errors = 0;
  const inflight: Promise<unknown>[] = [];
  for (let tick = 1; performance.now() - started < seconds * 1000; tick++) {
    const due = from + Math.floor((rate * tick * tickMs) / 1000);
    for (; n < due; n++) {
      const client = clients[n % clients.length]!;
      const round = Math.floor(n / clients.length);
      const sentAt = performance.now();
      inflight.push(
        client.reportStatus(statuses[round % 4]!, `bench round ${round}`).then(
          (ack) => {
            sent.push({ seq: ack.seq, sentAt });
            ackMs.push(performance.now() - sentAt);
          },
          () => errors++,
        ),
      );
    }
    await new Promise((r) =>
      setTimeout(r, Math.max(0, started + tick * tickMs - performance.now())),
    );
  }
  await Promise.all(inflight);
  const publishedRate = ((n - from) * 1000) / (performance.now() - started);
  return { timeline, sent, ackMs, publishedRate, errors, next: n };
}

function row(
  load: string,
  projection: string,
  target: number,
  publishedRate: number,
  sent: readonly Sent[],
  timeline: Timeline,
  ackP99: number,
): (string | number)[] {
  const { lags: l, lastAppliedAt } = lags(sent, timeline);
  const first = sent.reduce((m, e) => Math.min(m, e.sentAt), Number.POSITIVE_INFINITY);
  const applied = l.length > 0 ? (l.length * 1000) / Math.max(lastAppliedAt - first, 1) : 0;
  return [
    load,
    projection,
    target,
    Math.round(publishedRate),
    Math.round(applied),
    sent.length,
    round(percentile(l, 50)),
    round(percentile(l, 99)),
    round(l.length > 0 ? l.reduce((m, x) => (x > m ? x : m), 0) : Number.NaN),
    round(ackP99),
  ];
}

/** Runs both loads against an in-process hub and writes `e2e.json` and `e2e.md`. */
export async function main(
  o: E2eBenchOptions,
): Promise<{ namespace: string; rows: (string | number)[][] }> {
  const t = await createTestHub();
  const hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger);
  try {
    const fleet = await fleetLoad(t, hub, o);
    const status = await statusLoad(t, hub, o);
    const rows = [...fleet.rows, ...status.rows];
    await writeResults(
      "e2e",
      {
        title: "End to end: simulated devices → JetStream → projections (hub in process)",
        columns,
        rows,
        meta: {
          ...o,
          fleet: {
            connections: fleet.summary.connections,
            events: fleet.summary.events,
            errors: fleet.summary.errors,
            publishLatencyMs: fleet.summary.publishLatencyMs,
          },
          statusLoadErrors: status.errors,
          hub: "startHub(config, logger): API, every projector (PostgreSQL and Redis), dispatcher, presence watchdog; PROJECTOR_BATCH_SIZE/BATCH_WAIT_MS at their defaults unless set",
          lag: "from handing the event to the SDK until the projector's checkpoint passes its sequence (positions polled every 2 ms)",
          "applied ev/s":
            "events of the load ÷ (last applied − first sent): how fast they reached the read model",
        },
      },
      { ...(o.resultsDir ? { dir: o.resultsDir } : {}), print: o.print ?? true },
    );
    return { namespace: t.namespace, rows };
  } finally {
    await hub.stop();
    await t.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      devices: { type: "string", default: "1000" },
      rate: { type: "string", default: "10000" },
      "status-rate": { type: "string", default: "5000,10000" },
      seconds: { type: "string", default: "20" },
      out: { type: "string" },
    },
  });
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(`bench/e2e: --${name}: must be a whole number above 0 (got "${raw}")\n`);
      process.exit(2);
    }
    return n;
  };
  await main({
    devices: positive("devices", values.devices),
    rate: positive("rate", values.rate),
    statusRates: values["status-rate"].split(",").map((r) => positive("status-rate", r.trim())),
    seconds: positive("seconds", values.seconds),
    ...(values.out ? { resultsDir: values.out } : {}),
  });
  process.exit(0);
}
