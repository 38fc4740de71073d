import type { Logger } from "@uaip/platform";
import { Counter, Gauge } from "prom-client";
import * as v from "valibot";

// The figures of nats-server's monitoring endpoint (`-m <port>`) that the Infrastructure
// dashboard shows, re-exported by the hub: Debian has no prometheus-nats-exporter, and one
// fewer process to run. Read at scrape time, one `/varz` and one `/jsz` a scrape.

const Varz = v.object({
  connections: v.number(),
  subscriptions: v.number(),
  in_msgs: v.number(),
  out_msgs: v.number(),
  in_bytes: v.number(),
  out_bytes: v.number(),
  slow_consumers: v.number(),
});
const Jsz = v.object({
  streams: v.number(),
  consumers: v.number(),
  messages: v.number(),
  bytes: v.number(),
  memory: v.number(),
  storage: v.number(),
});

interface Figures {
  readonly varz: v.InferOutput<typeof Varz>;
  readonly jsz: v.InferOutput<typeof Jsz>;
}

const scrapeTimeoutMs = 2_000;
let monitor: { readonly url: string; readonly logger: Logger } | undefined;
let inFlight: Promise<Figures | undefined> | undefined;
let registered = false;

async function get<S extends v.GenericSchema>(url: string, path: string, schema: S) {
  const res = await fetch(new URL(path, url), { signal: AbortSignal.timeout(scrapeTimeoutMs) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  const parsed = v.safeParse(schema, await res.json());
  if (!parsed.success) throw new Error(`${path}: ${v.summarize(parsed.issues)}`);
  return parsed.output as v.InferOutput<S>;
}

/** One read of both endpoints per scrape, shared by every metric below; undefined: no answer. */
function figures(): Promise<Figures | undefined> {
  const m = monitor;
  if (!m) return Promise.resolve(undefined);
  inFlight ??= Promise.all([get(m.url, "/varz", Varz), get(m.url, "/jsz", Jsz)])
    .then(([varz, jsz]) => ({ varz, jsz }))
    .catch((err) => {
      m.logger.warn({ err: (err as Error).message }, "metrics: NATS monitoring did not answer");
      return undefined;
    })
    .finally(() => {
      inFlight = undefined;
    });
  return inFlight;
}

function gauge(name: string, help: string, value: (f: Figures) => number): void {
  new Gauge({
    name,
    help,
    async collect() {
      const f = await figures();
      if (f) this.set(value(f));
      else this.reset();
    },
  });
}

// Server totals are counters: they only grow, and restart from 0 with the server.
function counter(name: string, help: string, value: (f: Figures) => number): void {
  new Counter({
    name,
    help,
    async collect() {
      const f = await figures();
      this.reset();
      if (f) this.inc(value(f));
    },
  });
}

function register(): void {
  new Gauge({
    name: "uaip_nats_up",
    help: "1 when the NATS server's monitoring endpoint (NATS_MONITOR_URL) answered this scrape, else 0",
    async collect() {
      this.set((await figures()) ? 1 : 0);
    },
  });
  gauge(
    "uaip_nats_connections",
    "Client connections open on the NATS server",
    (f) => f.varz.connections,
  );
  gauge("uaip_nats_subscriptions", "Subscriptions on the NATS server", (f) => f.varz.subscriptions);
  counter("uaip_nats_in_bytes_total", "Bytes the NATS server received", (f) => f.varz.in_bytes);
  counter("uaip_nats_out_bytes_total", "Bytes the NATS server sent", (f) => f.varz.out_bytes);
  counter("uaip_nats_in_msgs_total", "Messages the NATS server received", (f) => f.varz.in_msgs);
  counter("uaip_nats_out_msgs_total", "Messages the NATS server sent", (f) => f.varz.out_msgs);
  counter(
    "uaip_nats_slow_consumers_total",
    "Clients the NATS server cut off for reading too slowly",
    (f) => f.varz.slow_consumers,
  );
  gauge("uaip_nats_jetstream_streams", "JetStream streams on the server", (f) => f.jsz.streams);
  gauge(
    "uaip_nats_jetstream_consumers",
    "JetStream consumers on the server",
    (f) => f.jsz.consumers,
  );
  gauge("uaip_nats_jetstream_messages", "Messages stored in JetStream", (f) => f.jsz.messages);
  gauge("uaip_nats_jetstream_storage_bytes", "JetStream file storage in use", (f) => f.jsz.storage);
  gauge("uaip_nats_jetstream_memory_bytes", "JetStream memory storage in use", (f) => f.jsz.memory);
}

/**
 * Re-exports the NATS server's monitoring figures (`uaip_nats_*`) on this process's
 * `/metrics` when `url` is set (`NATS_MONITOR_URL`); without it no `uaip_nats_*` series
 * exists beyond the reconnect count. A process serves one hub: the last call wins.
 *
 * @example
 * useNatsMonitor("http://127.0.0.1:8222", logger);
 */
export function useNatsMonitor(url: string | undefined, logger: Logger): void {
  monitor = url ? { url, logger } : undefined;
  inFlight = undefined;
  if (monitor && !registered) {
    register();
    registered = true;
  }
}
