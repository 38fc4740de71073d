import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connectNats } from "@uaip/platform";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsRoute } from "./events-route.ts";
import { openReplay } from "./open-replay.ts";
import type { ReplayRecord } from "./replay-record.ts";

let t: TestHub;
let app: Hono;

beforeAll(async () => {
  t = await createTestHub();
  await publishAll(sampleEvents("h", 10, 1_200), (e) => t.publish(e));
  app = new Hono().route(
    "/api/v1/events",
    eventsRoute({ js: t.js, jsm: t.jsm, namespace: t.namespace }),
  );
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
    // Delegated to with request(), as @uaip/api does: the route's own app answers.
    const events = eventsRoute({ js, jsm, namespace: t.namespace });
    const host = new Hono()
      .get("/api/v1/events", (c) => events.request(`/${new URL(c.req.url).search}`))
      .onError((err, c) => {
        seen = err;
        return c.json({ status: 503 }, 503);
      });
    const res = await host.request("/api/v1/events?limit=1");
    expect(res.status).toBe(503);
    expect(seen?.name).toBe("ClosedConnectionError");
    // A bad query is still the route's own 400.
    expect((await host.request("/api/v1/events?limit=0")).status).toBe(400);
  });
});
