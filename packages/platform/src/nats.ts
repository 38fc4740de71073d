import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { HubConfig } from "./config.ts";
import { countReconnects } from "./nats-reconnects.ts";

/**
 * Connects to NATS for a hub process. `noAsyncTraces` skips building a stack trace per
 * request, which costs a third of JetStream publish throughput; reconnects never give up,
 * because a hub outlives NATS restarts (each one counted in `uaip_nats_reconnects_total`).
 */
export async function connectNats(
  config: HubConfig["nats"],
  name: string,
): Promise<NatsConnection> {
  const nc = await connect({
    servers: config.servers,
    name,
    ...(config.user ? { user: config.user, pass: config.pass ?? "" } : {}),
    noAsyncTraces: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
  });
  countReconnects(nc, name);
  return nc;
}

export interface JetStreamHandles {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
}

export async function jetStreamHandles(nc: NatsConnection): Promise<JetStreamHandles> {
  return {
    js: jetstream(nc, { timeout: 10_000 }),
    jsm: await jetstreamManager(nc, { timeout: 10_000 }),
  };
}
