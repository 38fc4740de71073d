import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type StartedService, startNats } from "@uaip/local-services";
import { createTestHub, type TestHub } from "@uaip/testkit";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";

let t: TestHub;
let dir: string;
let nats: StartedService;
let monitor: string;

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-nats-monitor-"));
  const port = await freePort();
  monitor = `http://127.0.0.1:${port}`;
  nats = await startNats({
    dataDir: dir,
    configuredUrl: "nats://127.0.0.1:4222",
    log: () => {},
    config: (p, store) =>
      `host: 127.0.0.1\nport: ${p}\nhttp: "127.0.0.1:${port}"\njetstream { store_dir: "${store}" }\n`,
  });
});
afterAll(async () => {
  await nats?.process.stop();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function scrape(): Promise<Map<string, string | undefined>> {
  const app = createApp({ ...t, natsMonitorUrl: monitor, options: { auth: "off" } });
  const families = parsePrometheusTextFormat(await (await app.request("/metrics")).text());
  return new Map(families.map((f) => [f.name, f.metrics[0]?.value]));
}

describe("NATS monitor metrics", () => {
  it("metrics - with NATS_MONITOR_URL the server's /varz and /jsz figures are on /metrics", async () => {
    const varz = (await (await fetch(`${monitor}/varz`)).json()) as { connections: number };
    const jsz = (await (await fetch(`${monitor}/jsz`)).json()) as { streams: number };
    const m = await scrape();
    expect(m.get("uaip_nats_up")).toBe("1");
    expect(m.get("uaip_nats_connections")).toBe(String(varz.connections));
    expect(m.get("uaip_nats_jetstream_streams")).toBe(String(jsz.streams));
    for (const name of [
      "uaip_nats_subscriptions",
      "uaip_nats_in_bytes_total",
      "uaip_nats_out_bytes_total",
      "uaip_nats_jetstream_consumers",
      "uaip_nats_jetstream_storage_bytes",
    ])
      expect(Number(m.get(name)), name).toBeGreaterThanOrEqual(0);
  });

  it("metrics - a NATS server that does not answer reads uaip_nats_up 0, and the scrape still answers", async () => {
    await nats.process.stop();
    const m = await scrape();
    expect(m.get("uaip_nats_up")).toBe("0");
    expect(m.get("uaip_http_requests_total")).toBeDefined();
  });
});
