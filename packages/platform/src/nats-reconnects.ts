import type { NatsConnection } from "@nats-io/transport-node";
import { Counter } from "prom-client";

const natsReconnects = new Counter({
  name: "uaip_nats_reconnects_total",
  help: "Times this process's NATS connection was re-established after losing the server, by connection name",
  labelNames: ["connection"] as const,
});

/**
 * Counts the reconnects of `nc` under its name until it closes. The series starts at 0, so
 * a dashboard shows a flat line rather than no data for a connection that never dropped.
 *
 * @example
 * countReconnects(await connect({ servers }), "uaip-hub");
 */
export function countReconnects(nc: NatsConnection, name: string): void {
  const child = natsReconnects.labels({ connection: name });
  child.inc(0);
  void (async () => {
    for await (const s of nc.status()) if (s.type === "reconnect") child.inc();
  })();
}
