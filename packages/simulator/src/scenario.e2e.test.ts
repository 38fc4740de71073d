// The hub as `uaip start` runs it: the API with its write routes, every projector, the
// dispatcher and the presence watchdog (testkit turns API keys off).
import { type RunningHub, startHub } from "@uaip/hub";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceConnector } from "./fleet/device-connector.ts";
import type { FleetSummary } from "./fleet/fleet-stats.ts";
import { runFleet } from "./fleet/run-fleet.ts";
import { modelFor } from "./models/device-types.ts";
import { scenarioDevices } from "./plans/scenarios.ts";

let t: TestHub;
let hub: RunningHub;
let api: string;

beforeAll(async () => {
  t = await createTestHub();
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger);
  api = hub.url!;
});

afterAll(async () => {
  await hub?.stop();
  await t?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads whatever the API answers
type Json = any;

async function http(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${api}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The last reading of `metric` through the telemetry route, if any. */
async function lastReading(id: string, metric: string): Promise<number | undefined> {
  const r = await http("GET", `/api/v1/devices/${id}/telemetry?metric=${metric}`);
  return r.body?.series?.[0]?.points?.at(-1)?.last;
}

describe("simulate scenario home", () => {
  it("scenario home - six devices register, come online with telemetry, and the bulb obeys set_brightness", async () => {
    const home = scenarioDevices("home");
    const stop = new AbortController();
    const running = runFleet({
      devices: home,
      connector: deviceConnector(
        { servers: t.config.nats.servers, namespace: t.namespace },
        { devices: home.length },
      ),
      seed: 1,
      durationMs: 0,
      intervalMs: 500,
      mishaps: { faultsPerHour: 0, outagesPerHour: 0, faultMs: [1, 1], outageMs: [1, 1] },
      signal: stop.signal,
    });
    let summary: FleetSummary | undefined;
    try {
      for (const d of home) {
        const device = await waitFor(
          async () => {
            const r = await http("GET", `/api/v1/devices/${d.id}`);
            return r.status === 200 && r.body.status.value === "online" && r.body.type !== "unknown"
              ? r.body
              : undefined;
          },
          20_000,
          `${d.id} registered and online`,
        );
        expect(device).toMatchObject({
          id: d.id,
          name: d.name,
          type: d.type,
          location: d.location,
        });
        expect(device.registeredAt).not.toBeNull();
        expect(device.capabilities.length).toBeGreaterThan(0);
        // Reporting steadily: every metric of its type, three readings or more.
        const series = await waitFor(
          async () => {
            const r = await http("GET", `/api/v1/devices/${d.id}/telemetry`);
            const s: { metric: string; points: { count: number }[] }[] = r.body?.series ?? [];
            const readings = s[0]?.points.reduce((n, p) => n + p.count, 0) ?? 0;
            return r.status === 200 && readings >= 3 ? s : undefined;
          },
          20_000,
          `${d.id} telemetry`,
        );
        expect(series.map((x) => x.metric).sort()).toEqual([...modelFor(d.type).metrics].sort());
      }

      const bulb = "home-living-room-light";
      const issued = await http("POST", `/api/v1/devices/${bulb}/commands`, {
        name: "set_brightness",
        params: { level: 37 },
        ttl: 60,
      });
      expect(issued.status, JSON.stringify(issued.body)).toBe(202);
      const command = await waitFor(
        async () => {
          const r = await http("GET", `/api/v1/commands/${issued.body.commandId}`);
          return r.status === 200 && r.body.state === "completed" ? r.body : undefined;
        },
        20_000,
        "set_brightness completed",
      );
      expect(command.result).toEqual({ brightness: 37, on: true });
      await waitFor(
        async () => (await lastReading(bulb, "brightness")) === 37,
        20_000,
        "brightness 37 reported",
      );
      expect(await lastReading(bulb, "power")).toBe(1);
    } finally {
      stop.abort();
      summary = await running;
    }
    expect(summary.devices).toBe(6);
    expect(summary.commands).toMatchObject({ received: 1, completed: 1, rejected: 0 });
    expect(summary.events.registrations).toBe(6);
    expect(summary.errors).toEqual({});
    // Stopping reports every device offline.
    await waitFor(
      async () => {
        for (const d of home) {
          if ((await http("GET", `/api/v1/devices/${d.id}`)).body.status.value !== "offline")
            return false;
        }
        return true;
      },
      20_000,
      "all offline after the run",
    );
  }, 90_000);
});
