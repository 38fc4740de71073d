import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { mountRoutes, problems, type RouteEnv } from "@uaip/http-kit";
import { connectNats } from "@uaip/platform";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsRoute } from "./events-route.ts";
import { openReplay } from "./open-replay.ts";
import type { ReplayRecord } from "./replay-record.ts";

let t: TestHub;
let app: Hono<RouteEnv>;

beforeAll(async () => {
  t = await createTestHub();
  await publishAll(sampleEvents("h", 10, 1_200), (e) => t.publish(e));
  // The declaration mounted by the HTTP kit, as the API mounts it (with no auth here).
  app = new Hono<RouteEnv>();
  mountRoutes(app, [eventsRoute({ log: { js: t.js, jsm: t.jsm, namespace: t.namespace } })], {
    namespace: t.namespace,
  });
});
afterAll(() => t?.close());

async function page(query: string) {
  const res = await app.request(`/api/v1/events?${query}`);
  const lines = (await res.text())
    .trimEnd()
    .split("\n")
    .map((l) => JSON.parse(l));
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    records: lines.slice(0, -1) as ReplayRecord[],
    next: (lines.at(-1) as { next: number | null }).next,
  };
}

describe("events route", () => {
  it("events route - pages of NDJSON by sequence add up to the whole filtered replay", async () => {
    const replay = await openReplay(
      { js: t.js, jsm: t.jsm, namespace: t.namespace },
      { device: "h-*", types: ["device.status_changed"] },
    );
    const expected: number[] = [];
    for await (const r of replay.records) expected.push(r.seq);
    expect(expected.length).toBeGreaterThan(150);

    const seen: number[] = [];
    let from: number | null = 1;
    let pages = 0;
    while (from !== null) {
      const p = await page(`device=h-*&type=device.status_changed&limit=100&from_seq=${from}`);
      expect(p.status).toBe(200);
      expect(p.type).toBe("application/x-ndjson");
      expect(p.records.every((r) => r.event?.type === "device.status_changed")).toBe(true);
      seen.push(...p.records.map((r) => r.seq));
      from = p.next;
      pages++;
    }
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 100) + (expected.length % 100 === 0 ? 1 : 0));
  });

  it("events route - a bad parameter is a 400 problem naming it", async () => {
    const cases: [string, string][] = [
      ["since=1h&until=2h", "until"],
      ["stream=orders", "stream"],
      ["limit=20000", "limit"],
      ["from_seq=abc", "from_seq"],
      ["since=tomorrow", "since"],
    ];
    for (const [query, field] of cases) {
      const res = await app.request(`/api/v1/events?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      const body = (await res.json()) as { errors: { field: string }[]; detail: string };
      expect(body.errors[0]?.field, query).toBe(field);
      expect(body.detail).toMatch(new RegExp(`^query: ${field} `));
    }
  });

  it("events route - a failure other than a bad query reaches the host app's error handler, not a plain-text 500", async () => {
    const nc = await connectNats(t.config.nats, "events-route-closed");
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await nc.close();
    let seen: Error | undefined;
    // Mounted beside the host app's own error mapping, as @uaip/api maps a NATS failure to 503.
    const host = new Hono<RouteEnv>();
    mountRoutes(host, [eventsRoute({ log: { js, jsm, namespace: t.namespace } })], {
      namespace: t.namespace,
      problems: [
        (err) => {
          seen = err as Error;
          return problems.unavailable("the event log is not reachable");
        },
      ],
    });
    const res = await host.request("/api/v1/events?limit=1");
    expect(res.status).toBe(503);
    expect(seen?.name).toBe("ClosedConnectionError");
    // A bad query is still the route's own 400, whether its schema or the planner finds it.
    expect((await host.request("/api/v1/events?limit=0")).status).toBe(400);
    expect((await host.request("/api/v1/events?stream=orders")).status).toBe(400);
  });
});
