import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createEvent, type DeviceEvent } from "@uaip/events";
import { freePort, type StartedService, startNats } from "@uaip/local-services";
import { createTestHub, publishAll, sampleEvents, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHub, startHub } from "./start-hub.ts";
import {
  type HttpProcess,
  localPrometheusConfig,
  promtool,
  requireBinary,
  startHttpProcess,
} from "./testing/metrics-processes.ts";

// A real Prometheus scrapes the hub, postgres_exporter, redis_exporter (on the machine's
// PostgreSQL and Redis, read-only) and the NATS figures the hub re-exports from a private
// nats-server's monitoring port, under traffic; then every panel query of both dashboards
// must return data.

const grafana = fileURLToPath(new URL("../../../grafana/", import.meta.url));
const dashboards = ["uaip-overview.json", "uaip-infrastructure.json"];
const rateInterval = "10s";

let t: TestHub;
let dir: string;
let nats: StartedService;
let natsMonitor: string;
let nc: NatsConnection;
let js: JetStreamClient;
let hub: RunningHub;
const processes: HttpProcess[] = [];
let prometheus: HttpProcess;
let traffic: NodeJS.Timeout | undefined;
const sse = new AbortController();

const publish = (e: DeviceEvent) =>
  js.publish(t.subjects.forEvent(e), JSON.stringify(e), { msgID: e.id });

beforeAll(async () => {
  const [prom, pgExporter, redisExporter] = await Promise.all([
    requireBinary("prometheus"),
    requireBinary("prometheus-postgres-exporter"),
    requireBinary("prometheus-redis-exporter"),
    requireBinary("promtool"),
  ]);
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-dashboards-"));

  const monitorPort = await freePort();
  natsMonitor = `http://127.0.0.1:${monitorPort}`;
  nats = await startNats({
    dataDir: dir,
    configuredUrl: "nats://127.0.0.1:4222",
    log: () => {},
    config: (port, store) =>
      `host: 127.0.0.1\nport: ${port}\nhttp: "127.0.0.1:${monitorPort}"\njetstream { store_dir: "${store}" }\n`,
  });
  hub = await startHub(
    {
      ...t.config,
      nats: { servers: [nats.url], monitorUrl: natsMonitor },
      http: { host: "127.0.0.1", port: 0 },
    },
    t.logger,
  );
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);

  const dsn = new URL(t.config.databaseUrl);
  dsn.searchParams.set("sslmode", "disable");
  const listen = (p: number) => `--web.listen-address=127.0.0.1:${p}`;
  processes.push(
    await startHttpProcess("postgres-exporter", pgExporter, (p) => [listen(p)], dir, "/metrics", {
      DATA_SOURCE_NAME: dsn.href,
    }),
    await startHttpProcess(
      "redis-exporter",
      redisExporter,
      (p) => [listen(p), `--redis.addr=${t.config.redisUrl}`],
      dir,
      "/metrics",
    ),
  );
  const [pg, redis] = processes.map((p) => new URL(p!.url).host);
  const config = join(dir, "prometheus.yml");
  await writeFile(
    config,
    localPrometheusConfig(
      await readFile(join(grafana, "prometheus.yml"), "utf8"),
      { "uaip-hub": new URL(hub.url!).host, postgres: pg!, redis: redis! },
      join(grafana, "alerts.yml"),
    ),
  );
  prometheus = await startHttpProcess(
    "prometheus",
    prom,
    (p) => [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "tsdb")}`, listen(p)],
    dir,
    "/-/ready",
  );
  processes.push(prometheus);

  // Traffic: a fleet with statuses and commands (completed, and one left to expire), a
  // rejected event, an open live-update stream, and reads that hit and miss the cache.
  await publishAll(sampleEvents("dash", 20, 400), publish);
  await publish(
    createEvent("command.issued", "dash-1", {
      commandId: "dash-expiring",
      name: "reboot",
      expiresAt: new Date(Date.now() + 1_000).toISOString(),
    }),
  );
  await js.publish(t.subjects.device("dash-bad", "status"), "{not json");
  void fetch(`${hub.url}/api/v1/stream`, { signal: sse.signal }).then(
    (res) => res.body?.pipeTo(new WritableStream()).catch(() => {}), // ends with the abort
    () => {},
  );
  let n = 0;
  traffic = setInterval(() => {
    n++;
    void Promise.all([
      fetch(`${hub.url}/api/v1/devices/dash-${n % 20}`).then((r) => r.arrayBuffer()),
      fetch(`${hub.url}/api/v1/devices/nobody-${n}`).then((r) => r.arrayBuffer()),
      fetch(`${hub.url}/api/v1/devices?limit=5`).then((r) => r.arrayBuffer()),
      publish(
        createEvent("device.status_changed", `dash-${n % 20}`, {
          status: n % 2 ? "online" : "offline",
        }),
      ),
    ]).catch(() => {});
  }, 250);
}, 120_000);

afterAll(async () => {
  clearInterval(traffic);
  sse.abort();
  await hub?.stop();
  await nc?.close();
  for (const p of processes) await p.process.stop();
  await nats?.process.stop();
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

interface QueryAnswer {
  status: string;
  data?: { result: unknown[] };
}

async function query(expr: string): Promise<unknown[]> {
  const url = new URL("/api/v1/query", prometheus.url);
  url.searchParams.set("query", expr);
  const body = (await (await fetch(url)).json()) as QueryAnswer;
  if (body.status !== "success") throw new Error(`${expr}: ${JSON.stringify(body)}`);
  return body.data?.result ?? [];
}

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

async function panels(): Promise<{ dashboard: string; title: string; exprs: string[] }[]> {
  const out = [];
  for (const file of dashboards) {
    const d = JSON.parse(await readFile(join(grafana, "dashboards", file), "utf8")) as {
      panels: Panel[];
    };
    for (const p of d.panels)
      out.push({
        dashboard: file,
        title: p.title,
        exprs: (p.targets ?? []).map((x) =>
          x.expr.replaceAll("$__rate_interval", rateInterval).replaceAll("$projection", ".*"),
        ),
      });
  }
  return out;
}

describe("dashboards", () => {
  it("dashboards - Prometheus scrapes the hub and both exporters, and loads the alert rules", async () => {
    const up = await waitFor(async () => {
      const r = (await query("up == 1")) as { metric: { job: string } }[];
      const jobs = new Set(r.map((x) => x.metric.job));
      return jobs.size === 3 ? jobs : undefined;
    }, 60_000);
    expect([...up].sort()).toEqual(["postgres", "redis", "uaip-hub"]);
    const rules = (await (await fetch(new URL("/api/v1/rules", prometheus.url))).json()) as {
      data: { groups: { rules: unknown[] }[] };
    };
    expect(rules.data.groups.flatMap((g) => g.rules).length).toBeGreaterThanOrEqual(10);
  }, 90_000);

  it("dashboards - every query of every panel of both dashboards returns data", async () => {
    const all = await panels();
    expect(all.length).toBeGreaterThan(0);
    const empty = async () => {
      const missing: string[] = [];
      for (const p of all)
        for (const expr of p.exprs)
          if ((await query(expr)).length === 0)
            missing.push(`${p.dashboard} "${p.title}": ${expr}`);
      return missing;
    };
    let missing: string[] = [];
    await waitFor(
      async () => {
        missing = await empty();
        return missing.length === 0;
      },
      90_000,
      "every panel query with data",
    ).catch(() => {});
    const withData = all.filter(
      (p) => !missing.some((m) => m.startsWith(`${p.dashboard} "${p.title}"`)),
    );
    console.info(
      `dashboards: ${withData.length} of ${all.length} panels have data (${all.reduce((n, p) => n + p.exprs.length, 0)} queries)`,
    );
    expect(missing).toEqual([]);
  }, 120_000);

  it("dashboards - the NATS figures the hub re-exports are the private server's", async () => {
    const jsz = (await (await fetch(`${natsMonitor}/jsz`)).json()) as { streams: number };
    const scraped = (await fetch(`${hub.url}/metrics`).then((r) => r.text()))
      .split("\n")
      .find((l) => l.startsWith("uaip_nats_jetstream_streams "));
    expect(Number(scraped?.split(" ")[1])).toBe(jsz.streams);
    expect(jsz.streams).toBeGreaterThanOrEqual(3); // the namespace's devices, commands, telemetry
    const [up] = (await query("max(uaip_nats_up)")) as { value: [number, string] }[];
    expect(up?.value[1]).toBe("1");
  });

  it("dashboards - promtool check metrics finds nothing to fix in the hub's /metrics", async () => {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const r = await promtool(["check", "metrics"], text);
    expect(r.output.trim()).toBe("");
    expect(r.code).toBe(0);
  });

  it("dashboards - the alert rules pass promtool check rules and their unit tests", async () => {
    const check = await promtool(["check", "rules", join(grafana, "alerts.yml")]);
    expect(check.output).toContain("SUCCESS");
    expect(check.code).toBe(0);
    const test = await promtool(["test", "rules", join(grafana, "alerts.test.yml")]);
    expect(test.output).toContain("SUCCESS");
    expect(test.code).toBe(0);
  });
});
