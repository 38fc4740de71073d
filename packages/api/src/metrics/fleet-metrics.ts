import type { JetStreamManager } from "@nats-io/jetstream";
import { streamName } from "@uaip/events";
import type { Db, Logger } from "@uaip/platform";
import { projections } from "@uaip/projections";
import { consumerName } from "@uaip/projector";
import { sql } from "kysely";
import { Counter, Gauge } from "prom-client";

/** What the scrape-time metrics read: the read models and the projections' consumers. */
export interface FleetMetricsSource {
  readonly namespace: string;
  readonly db: Db;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
}

interface Snapshot {
  readonly statuses: { key: string; count: number }[];
  readonly registered: number;
  readonly commands: { state: string; count: number }[];
  readonly pending: { projection: string; pending: number; ackPending: number }[];
}

const scrapeTimeoutMs = 2_000;
// The queue depth of every projection the hub runs, the Redis one included.
const consumers = [
  ...projections.map((p) => ({ name: p.name, stream: p.stream })),
  { name: "redis", stream: "devices" as const },
];

let source: FleetMetricsSource | undefined;
let inFlight: Promise<Snapshot | undefined> | undefined;

async function read(s: FleetMetricsSource): Promise<Snapshot> {
  const [statuses, registered, commands, pending] = await Promise.all([
    s.db
      .selectFrom("fleet_stats")
      .select(["key", "count"])
      .where("dimension", "=", "status")
      .execute(),
    sql<{ n: number }>`SELECT count(*)::bigint AS n FROM devices WHERE registered_at IS NOT NULL`
      .execute(s.db)
      .then((r) => r.rows[0]?.n ?? 0),
    sql<{
      state: string;
      count: number;
    }>`SELECT state, count(*)::bigint AS count FROM commands GROUP BY state`
      .execute(s.db)
      .then((r) => r.rows),
    Promise.all(
      consumers.map((p) =>
        s.jsm.consumers
          .info(streamName(s.namespace, p.stream), consumerName(p.name))
          .then((info) => ({
            projection: p.name,
            pending: info.num_pending,
            ackPending: info.num_ack_pending,
          }))
          .catch(() => undefined),
      ),
    ).then((all) => all.filter((x) => x !== undefined)),
  ]);
  return { statuses, registered, commands, pending };
}

/**
 * One read per scrape, shared by the metrics below (prom-client collects them together),
 * bounded in time: a scrape during a database outage leaves the last values instead of
 * hanging.
 */
function snapshot(): Promise<Snapshot | undefined> {
  const s = source;
  if (!s) return Promise.resolve(undefined);
  if (inFlight) return inFlight;
  let timer: NodeJS.Timeout | undefined;
  const p = Promise.race([
    read(s),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer in ${scrapeTimeoutMs} ms`)),
        scrapeTimeoutMs,
      );
    }),
  ])
    .catch((err) => {
      s.logger.warn({ err: (err as Error).message }, "metrics: could not read the read models");
      return undefined;
    })
    .finally(() => {
      clearTimeout(timer);
      inFlight = undefined;
    });
  inFlight = p;
  return p;
}

new Gauge({
  name: "uaip_devices",
  help: "Live (not decommissioned) devices by status, from the devices projection",
  labelNames: ["status"] as const,
  async collect() {
    const snap = await snapshot();
    if (!snap) return;
    this.reset();
    for (const s of snap.statuses) this.set({ status: s.key }, s.count);
  },
});

new Counter({
  name: "uaip_devices_registered_total",
  help: "Devices ever registered (decommissioned ones included), from the devices projection",
  async collect() {
    const snap = await snapshot();
    if (!snap) return;
    this.reset();
    this.inc(snap.registered);
  },
});

// A current count per state is a gauge: it drops when commands leave a state. The rate of
// commands ending is the dispatcher's uaip_device_commands_total{command,outcome}.
new Gauge({
  name: "uaip_device_commands",
  help: "Commands by the state they are in now (issued, delivered, ..., completed), from the commands projection",
  labelNames: ["state"] as const,
  async collect() {
    const snap = await snapshot();
    if (!snap) return;
    this.reset();
    for (const c of snap.commands) this.set({ state: c.state }, c.count);
  },
});

new Gauge({
  name: "uaip_message_queue_depth",
  help: "Events waiting in each projection's durable consumer (num_pending)",
  labelNames: ["projection"] as const,
  async collect() {
    const snap = await snapshot();
    if (!snap) return;
    this.reset();
    for (const p of snap.pending) this.set({ projection: p.projection }, p.pending);
  },
});

new Gauge({
  name: "uaip_consumer_ack_pending",
  help: "Events each projection's durable consumer delivered and not yet acknowledged (num_ack_pending)",
  labelNames: ["projection"] as const,
  async collect() {
    const snap = await snapshot();
    if (!snap) return;
    this.reset();
    for (const p of snap.pending) this.set({ projection: p.projection }, p.ackPending);
  },
});

new Gauge({
  name: "uaip_memory_usage_bytes",
  help: "Memory of this hub process, by kind (rss, heap_used, heap_total, external)",
  labelNames: ["type"] as const,
  collect() {
    const m = process.memoryUsage();
    this.set({ type: "rss" }, m.rss);
    this.set({ type: "heap_used" }, m.heapUsed);
    this.set({ type: "heap_total" }, m.heapTotal);
    this.set({ type: "external" }, m.external);
  },
});

/**
 * Points the scrape-time metrics at this hub's read models and consumers. A process serves
 * one hub, so the last app created wins (tests create several, one after the other).
 */
export function useFleetMetricsSource(s: FleetMetricsSource): void {
  source = s;
  inFlight = undefined;
}
