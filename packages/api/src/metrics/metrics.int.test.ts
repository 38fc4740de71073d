import { createEvent } from "@uaip/events";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" });
  await h.publishAndWait([
    ...sampleDevice("m-1", { type: "meter" }),
    ...sampleDevice("m-2", { type: "meter" }),
    createEvent("device.status_changed", "m-2", { status: "error", reason: "fault" }),
    createEvent("command.issued", "m-1", {
      commandId: "mc-1",
      name: "read_now",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }),
  ]);
  await h.t.publishRaw(h.t.subjects.device("m-3", "status"), "{not json"); // one rejected event
  await h.caughtUp();
  await h.app.request("/api/v1/devices/m-1"); // a cache hit
  await h.app.request("/api/v1/devices/nobody"); // a cache miss
});
afterAll(() => h?.close());

async function scrape(): Promise<Map<string, MetricFamily>> {
  const res = await h.app.request("/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/plain");
  const families = parsePrometheusTextFormat(await res.text());
  return new Map(families.map((f) => [f.name, f]));
}

const sample = (f: MetricFamily | undefined, labels: Record<string, string> = {}) =>
  f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));

describe("/metrics", () => {
  it("metrics - the exposition parses and has every metric the hub promises", async () => {
    const m = await scrape();
    const required: [string, MetricFamily["type"]][] = [
      ["uaip_http_requests_total", "COUNTER"],
      ["uaip_http_request_duration_seconds", "HISTOGRAM"],
      ["uaip_devices_registered_total", "COUNTER"],
      ["uaip_devices", "GAUGE"],
      ["uaip_device_commands", "GAUGE"],
      ["uaip_message_queue_depth", "GAUGE"],
      ["uaip_messages_processed_total", "COUNTER"],
      ["uaip_db_query_duration_seconds", "HISTOGRAM"],
      ["uaip_cache_hits_total", "COUNTER"],
      ["uaip_cache_misses_total", "COUNTER"],
      ["uaip_memory_usage_bytes", "GAUGE"],
      ["uaip_projection_lag_seconds", "GAUGE"],
      ["uaip_rejected_events_total", "COUNTER"],
      ["uaip_sse_connections", "GAUGE"],
      ["uaip_consumer_ack_pending", "GAUGE"],
      ["uaip_nats_reconnects_total", "COUNTER"],
      ["process_cpu_seconds_total", "COUNTER"],
      ["nodejs_eventloop_lag_seconds", "GAUGE"],
    ];
    for (const [name, type] of required) {
      expect(m.get(name)?.type, name).toBe(type);
      expect(m.get(name)?.help, name).not.toBe("");
    }
  });

  it("metrics - fleet gauges come from the read models and consumers at scrape time", async () => {
    const m = await scrape();
    expect(sample(m.get("uaip_devices"), { status: "online" })?.value).toBe("1");
    expect(sample(m.get("uaip_devices"), { status: "error" })?.value).toBe("1");
    expect(sample(m.get("uaip_devices_registered_total"))?.value).toBe("2");
    expect(sample(m.get("uaip_device_commands"), { state: "issued" })?.value).toBe("1");
    for (const projection of [
      "devices",
      "device_status_history",
      "commands",
      "telemetry",
      "redis",
    ]) {
      expect(sample(m.get("uaip_message_queue_depth"), { projection })?.value, projection).toBe(
        "0",
      );
    }
    expect(
      Number(sample(m.get("uaip_memory_usage_bytes"), { type: "rss" })?.value),
    ).toBeGreaterThan(1e6);
    expect(
      Number(
        sample(m.get("uaip_rejected_events_total"), {
          projection: "devices",
          reason: "malformed_json",
        })?.value,
      ),
    ).toBeGreaterThanOrEqual(1);

    await h.publishAndWait([createEvent("device.status_changed", "m-2", { status: "online" })]);
    const after = await scrape();
    expect(sample(after.get("uaip_devices"), { status: "online" })?.value).toBe("2");
    expect(sample(after.get("uaip_devices"), { status: "error" })).toBeUndefined();
  });

  it("metrics - HTTP requests by route pattern and status; cache hits and misses; query durations", async () => {
    const m = await scrape();
    expect(
      Number(
        sample(m.get("uaip_http_requests_total"), {
          route: "/api/v1/devices/{id}",
          status: "200",
          method: "GET",
        })?.value,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      Number(
        sample(m.get("uaip_http_requests_total"), { route: "/api/v1/devices/{id}", status: "404" })
          ?.value,
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      Number(sample(m.get("uaip_cache_hits_total"), { cache: "devices" })?.value),
    ).toBeGreaterThanOrEqual(1);
    expect(
      Number(sample(m.get("uaip_cache_misses_total"), { cache: "devices" })?.value),
    ).toBeGreaterThanOrEqual(1);
    // The parser folds a labelled histogram into one label-less entry, so its per-label
    // counts are read from the registry itself.
    expect(
      Number(sample(m.get("uaip_db_query_duration_seconds"))?.buckets?.["+Inf"]),
    ).toBeGreaterThanOrEqual(1);
    const count = async (name: string, labels: Record<string, string>) =>
      (await register.getSingleMetric(name)!.get()).values.find(
        (x) =>
          (x as { metricName?: string }).metricName === `${name}_count` &&
          Object.entries(labels).every(([k, v]) => x.labels[k] === v),
      )?.value ?? 0;
    expect(
      await count("uaip_db_query_duration_seconds", { operation: "select" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await count("uaip_http_request_duration_seconds", { route: "/api/v1/devices/{id}" }),
    ).toBeGreaterThanOrEqual(2);
  });
});
