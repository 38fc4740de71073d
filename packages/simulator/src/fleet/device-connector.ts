import { connect, type NatsConnection } from "@nats-io/transport-node";
import { connectDevice, DeviceClient } from "@uaip/device-sdk";
import { DeviceIdSchema } from "@uaip/events";
import * as v from "valibot";

/** Where simulated devices connect, and as whom. */
export interface ConnectorOptions {
  readonly servers: string | readonly string[];
  readonly namespace: string;
  /** NATS user and password (the simulator's, not per device). */
  readonly credentials?: { readonly user: string; readonly pass: string };
  /** SDK heartbeat period; default 10 000 (0: none). */
  readonly heartbeatMs?: number;
}

/**
 * Opens device clients. `dedicated`: one NATS connection per device, exactly as a real
 * device connects (through `connectDevice`). `pooled`: devices share a few connections,
 * each device still a DeviceClient of its own, publishing on its own subjects with its own
 * ack inbox and command inbox — what a gateway or a load generator does.
 */
export interface DeviceConnector {
  readonly mode: "dedicated" | "pooled";
  /** NATS connections open now. */
  readonly connections: number;
  connect(deviceId: string): Promise<DeviceClient>;
  /**
   * Ends a client: `close` reports offline and flushes (a clean shutdown), `kill` just
   * drops it (an outage). A pooled connection stays open for the other devices.
   */
  disconnect(client: DeviceClient, how: "close" | "kill"): Promise<void>;
  /** Closes pooled connections (clients must be disconnected first). */
  close(): Promise<void>;
}

/**
 * One NATS connection per device, up to `poolFrom` devices; past that, `poolSize`
 * shared connections (default: one per 250 devices, 2 to 8).
 *
 * @example
 * const connector = deviceConnector({ servers, namespace }, { devices: 1_000 }); // pooled, 4 connections
 * const lamp = await connector.connect("lamp-1");
 */
export function deviceConnector(
  o: ConnectorOptions,
  sizing: { devices: number; connections?: number; poolFrom?: number },
): DeviceConnector {
  const poolFrom = sizing.poolFrom ?? 100;
  if (sizing.connections !== undefined && sizing.connections > 0) {
    return sizing.connections >= sizing.devices
      ? dedicatedConnector(o)
      : pooledConnector(o, sizing.connections);
  }
  if (sizing.devices <= poolFrom) return dedicatedConnector(o);
  return pooledConnector(o, Math.min(8, Math.max(2, Math.ceil(sizing.devices / 250))));
}

/** Every device on a NATS connection of its own, through `connectDevice`. */
export function dedicatedConnector(o: ConnectorOptions): DeviceConnector {
  let open = 0;
  return {
    mode: "dedicated",
    get connections() {
      return open;
    },
    async connect(deviceId) {
      const client = await connectDevice({
        servers: typeof o.servers === "string" ? o.servers : [...o.servers],
        namespace: o.namespace,
        deviceId,
        heartbeatMs: o.heartbeatMs ?? 10_000,
        ...(o.credentials ? { credentials: o.credentials } : {}),
      });
      open++;
      return client;
    },
    async disconnect(client, how) {
      try {
        await (how === "close" ? client.close() : client.kill());
      } finally {
        open--;
      }
    },
    async close() {},
  };
}

/** Devices share `size` NATS connections, handed out round robin. */
export function pooledConnector(o: ConnectorOptions, size: number): DeviceConnector {
  const pool: Promise<NatsConnection>[] = [];
  let next = 0;
  const open = (i: number) =>
    connect({
      servers: typeof o.servers === "string" ? o.servers : [...o.servers],
      name: `uaip-simulator-pool-${i}`,
      noAsyncTraces: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      ...(o.credentials ? { user: o.credentials.user, pass: o.credentials.pass } : {}),
    });
  return {
    mode: "pooled",
    get connections() {
      return pool.length;
    },
    async connect(deviceId) {
      const id = v.parse(DeviceIdSchema, deviceId);
      const i = next++ % size;
      pool[i] ??= open(i);
      const nc = await pool[i]!;
      const client = new DeviceClient(borrowed(nc), {
        servers: "",
        deviceId: id,
        namespace: o.namespace,
        heartbeatMs: o.heartbeatMs ?? 10_000,
        bufferLimit: 10_000,
        window: 1_024,
        ackTimeoutMs: 5_000,
        inlineResultMs: 200,
        outcomeSafetyMs: 3_000,
        seenCommands: 10_000,
        announcePresence: true,
        credentials: undefined,
        connection: undefined,
      });
      await client.start();
      return client;
    },
    async disconnect(client, how) {
      await (how === "close" ? client.close() : client.kill());
    },
    async close() {
      const conns = await Promise.allSettled(pool.splice(0));
      await Promise.all(
        conns.map((c) => (c.status === "fulfilled" ? c.value.drain().catch(() => {}) : undefined)),
      );
    },
  };
}

/**
 * The connection as one device sees it: everything passes through, except that closing
 * or draining it leaves the shared connection open for the other devices on it.
 */
function borrowed(nc: NatsConnection): NatsConnection {
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(nc, {
    get(target, prop) {
      if (prop === "close" || prop === "drain") return () => Promise.resolve();
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      let fn = bound.get(prop);
      if (!fn) {
        fn = value.bind(target);
        bound.set(prop, fn);
      }
      return fn;
    },
  });
}
