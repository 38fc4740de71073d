import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { streamName } from "@uaip/events";
import { type StartedService, startNats } from "@uaip/local-services";
import { applyStreams, streamDefinitions } from "@uaip/streams";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDevice } from "./device-client.ts";
import { isBufferOverflow } from "./errors.ts";

// A server of this file's own, because these tests kill it and start it again (same port,
// same store).
const ns = "buf";
let dir: string;
let server: StartedService;
let hub: NatsConnection;

const startServer = (port?: number) =>
  startNats({
    dataDir: dir,
    configuredUrl: "nats://127.0.0.1:4222",
    log: () => {},
    ...(port === undefined ? {} : { port }),
  });
const killServer = () => server.process.kill();
const restartServer = async () => {
  server = await startServer(server.port);
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "uaip-buf-"));
  server = await startServer();
  hub = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  await applyStreams(await jetstreamManager(hub), streamDefinitions(ns));
});
afterAll(async () => {
  await hub?.close();
  await server?.process.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function storedMetrics(deviceId: string): Promise<number[]> {
  const js = jetstream(hub);
  const consumer = await js.consumers.get(streamName(ns, "telemetry"), {
    filter_subjects: `${ns}.telemetry.${deviceId}`,
  });
  const out: number[] = [];
  const pending = (await consumer.info(true)).num_pending;
  const messages = await consumer.fetch({ max_messages: pending, expires: 5_000 });
  for await (const m of messages) {
    out.push(m.json<{ data: { metrics: { i: number } } }>().data.metrics.i);
    if (out.length === pending) break;
  }
  return out;
}

const reconnected = (nc: NatsConnection) =>
  (async () => {
    for await (const s of nc.status()) if (s.type === "reconnect") return;
  })();

describe("device sdk buffering", () => {
  it("device sdk - events published while NATS is down are stored after it returns, in order, once each", async () => {
    const d = await connectDevice({
      servers: server.url,
      namespace: ns,
      deviceId: "outage-1",
      heartbeatMs: 0,
      announcePresence: false,
      connection: { reconnectTimeWait: 100 },
    });
    const before = Array.from({ length: 100 }, (_, i) => d.reportTelemetry({ i }));
    await Promise.all(before);
    const hubBack = reconnected(hub);
    await killServer();
    await waitFor(() => !d.stats.connected, 5_000, "the device to notice");
    const during = Array.from({ length: 400 }, (_, i) => d.reportTelemetry({ i: 100 + i }));
    expect(d.stats.pending).toBe(400);
    await restartServer();
    await Promise.all(during);
    await hubBack;
    expect(await storedMetrics("outage-1")).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(d.stats.dropped).toBe(0);
    await d.close();
  });

  it("device sdk - past the buffer bound the oldest events are dropped and counted; the rest keep their order", async () => {
    const d = await connectDevice({
      servers: server.url,
      namespace: ns,
      deviceId: "outage-2",
      heartbeatMs: 0,
      announcePresence: false,
      window: 50,
      bufferLimit: 100,
      connection: { reconnectTimeWait: 100 },
    });
    await d.reportTelemetry({ i: -1 });
    const hubBack = reconnected(hub);
    await killServer();
    await waitFor(() => !d.stats.connected, 5_000, "the device to notice");
    const sent = Array.from({ length: 300 }, (_, i) => d.reportTelemetry({ i }));
    const settled = Promise.allSettled(sent);
    await restartServer();
    const results = await settled;
    const dropped = results.filter((r) => r.status === "rejected");
    expect(dropped).toHaveLength(200);
    expect(dropped.every((r) => isBufferOverflow((r as PromiseRejectedResult).reason))).toBe(true);
    expect(d.stats.dropped).toBe(200);
    await hubBack;
    expect(await storedMetrics("outage-2")).toEqual([
      -1,
      ...Array.from({ length: 100 }, (_, i) => 200 + i),
    ]);
    await d.close();
  });
});
