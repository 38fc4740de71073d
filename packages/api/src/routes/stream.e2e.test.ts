import { connect as tcpConnect } from "node:net";
import { createEvent, type DeviceEvent } from "@uaip/events";
import { waitFor } from "@uaip/testkit";
import { register } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { listen, type RunningServer } from "../server.ts";
import { type ApiTestHub, startApiTestHub } from "../testing/api-test-hub.ts";

interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over fetch: frames split on blank lines, fields per line. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const received: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const frame: SseEvent = {};
          for (const line of buffer.slice(0, end).split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            else {
              const i = line.indexOf(":");
              const field = line.slice(0, i) as "id" | "event" | "data";
              if (["id", "event", "data"].includes(field)) frame[field] = line.slice(i + 1).trim();
            }
          }
          received.push(frame);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // aborted
    }
  })();
  const events = () => received.filter((f) => f.id !== undefined);
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    received,
    events,
    until: (n: number, what = `${n} events`) =>
      waitFor(() => events().length >= n && events(), 10_000, what),
    close: async () => {
      abort.abort();
      await pump;
    },
  };
}

let h: ApiTestHub;
let server: RunningServer;
let url: string;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" }, { redisProjection: false });
  server = await listen(h.app, "127.0.0.1", 0);
  url = `${server.url}/api/v1/stream`;
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

const publishAll = async (events: readonly DeviceEvent[]) => {
  const seqs: number[] = [];
  for (const e of events) seqs.push((await h.t.publish(e)).seq);
  return seqs;
};
const status = (id: string, s: "online" | "offline" = "online") =>
  createEvent("device.status_changed", id, { status: s });

describe("GET /api/v1/stream", () => {
  it("stream - one device's events, live, in order, each id its stream sequence", async () => {
    const sse = await openStream(`${url}?device=s-1`);
    expect(sse.status).toBe(200);
    expect(sse.contentType).toBe("text/event-stream");
    await waitFor(() => sse.received.some((f) => f.comment === "connected"));
    const seqs = await publishAll([
      status("s-1"),
      status("s-2"),
      status("s-1", "offline"),
      status("s-2"),
      status("s-1"),
    ]);
    const got = await sse.until(3);
    await sse.close();
    expect(got.map((e) => Number(e.id))).toEqual([seqs[0], seqs[2], seqs[4]]);
    const first = JSON.parse(got[1]!.data!) as { seq: number; event: DeviceEvent };
    expect(first).toMatchObject({
      seq: seqs[2],
      event: { type: "device.status_changed", deviceId: "s-1", data: { status: "offline" } },
    });
    expect(got[1]!.event).toBe("device.status_changed");
  });

  it("stream - reconnecting with Last-Event-ID resumes with no gap and no duplicate", async () => {
    const sse = await openStream(`${url}?device=r-1`);
    await waitFor(() => sse.received.some((f) => f.comment === "connected"));
    const before = await publishAll(
      Array.from({ length: 10 }, (_, i) => status("r-1", i % 2 ? "online" : "offline")),
    );
    const firstPart = (await sse.until(10)).slice(0, 4);
    await sse.close();
    const during = await publishAll(Array.from({ length: 6 }, () => status("r-1")));

    const resumed = await openStream(`${url}?device=r-1`, {
      "last-event-id": firstPart.at(-1)!.id!,
    });
    const after = await publishAll(Array.from({ length: 3 }, () => status("r-1")));
    const rest = await resumed.until(6 + 6 + 3);
    await resumed.close();
    const ids = [...firstPart, ...rest].map((e) => Number(e.id));
    expect(ids).toEqual([...before, ...during, ...after]);
    expect(rest.length).toBe(15);

    // last_event_id in the query does the same, for clients that cannot set headers.
    const viaQuery = await openStream(`${url}?device=r-1&last_event_id=${after[1]}`);
    expect((await viaQuery.until(1)).map((e) => Number(e.id))).toEqual([after[2]]);
    await viaQuery.close();
  });

  it("stream - a device-type filter follows registrations; an event-type filter keeps only those types", async () => {
    const byType = await openStream(`${url}?type=valve`);
    const byEvent = await openStream(
      `${url}?event=device.registered,device.decommissioned&device=v-1`,
    );
    await waitFor(() => byType.received.length > 0 && byEvent.received.length > 0);
    await publishAll([
      createEvent("device.registered", "v-1", { name: "Valve", type: "valve" }),
      createEvent("device.registered", "p-1", { name: "Pump", type: "pump" }),
      status("p-1"),
      status("v-1"),
      createEvent("device.decommissioned", "v-1", {}),
    ]);
    const valves = await byType.until(3);
    const lifecycle = await byEvent.until(2);
    await new Promise((r) => setTimeout(r, 100));
    await byType.close();
    await byEvent.close();
    expect(valves.map((e) => e.event)).toEqual([
      "device.registered",
      "device.status_changed",
      "device.decommissioned",
    ]);
    expect(
      valves.every((e) => (JSON.parse(e.data!) as { event: DeviceEvent }).event.deviceId === "v-1"),
    ).toBe(true);
    expect(lifecycle.map((e) => e.event)).toEqual(["device.registered", "device.decommissioned"]);
  });

  it("stream - bad filters are 400 problems", async () => {
    for (const q of [
      "event=command.issued",
      "device=has%20space",
      "last_event_id=-1",
      "colour=red",
    ]) {
      const res = await fetch(`${url}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const badHeader = await fetch(url, { headers: { "last-event-id": "abc" } });
    expect(badHeader.status).toBe(400);
  });

  it("stream - heartbeats keep an idle stream alive", async () => {
    const app = createApp({
      ...deps(),
      options: { auth: "off", sse: { heartbeatMs: 100, maxBufferBytes: 1 << 20 } },
    });
    await using quick = await listen(app, "127.0.0.1", 0);
    const sse = await openStream(`${quick.url}/api/v1/stream?device=idle-1`);
    await waitFor(
      () => sse.received.filter((f) => f.comment?.startsWith("heartbeat")).length >= 2,
      3_000,
      "two heartbeats",
    );
    await sse.close();
  });

  it("stream - a client that stops reading is dropped once its buffer is full; memory stays bounded", async () => {
    const app = createApp({
      ...deps(),
      options: { auth: "off", sse: { heartbeatMs: 60_000, maxBufferBytes: 256 * 1024 } },
    });
    await using slowServer = await listen(app, "127.0.0.1", 0);
    const { port } = new URL(slowServer.url);
    const dropped = await counter("uaip_sse_dropped_total");

    const socket = tcpConnect(Number(port), "127.0.0.1");
    let closed = false;
    socket.on("close", () => {
      closed = true;
    });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    let head = "";
    socket.on("data", (chunk) => {
      head += chunk.toString();
    });
    socket.write(
      "GET /api/v1/stream?device=big-1 HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
    );
    await waitFor(() => head.includes(": connected"), 5_000, "the stream to open");
    socket.removeAllListeners("data");
    socket.pause(); // never reads again

    const metadata = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`k${i}`, "x".repeat(1000)]),
    );
    const big = createEvent("device.registered", "big-1", { name: "Big", type: "blob", metadata });
    for (let i = 0; i < 40; i++) {
      if ((await counter("uaip_sse_dropped_total")) > dropped) break;
      await Promise.all(
        Array.from({ length: 25 }, () =>
          h.t.publish({ ...big, id: globalThis.crypto.randomUUID() }),
        ),
      );
    }
    await waitFor(
      async () => (await counter("uaip_sse_dropped_total")) === dropped + 1,
      15_000,
      "the drop",
    );
    // What was already sent is still in the socket's buffers; reading it reaches the end.
    socket.resume();
    await waitFor(() => closed, 10_000, "the server to have cut the connection");
    // Every stream of this file is closed by now: none is left counted (or held).
    await waitFor(
      async () => (await counter("uaip_sse_connections")) === 0,
      5_000,
      "no open streams",
    );
  });
});

function deps() {
  return {
    namespace: h.t.namespace,
    db: h.t.db,
    redis: h.t.redis,
    nc: h.t.nc,
    jsm: h.t.jsm,
    logger: h.t.logger,
  };
}

async function counter(name: string): Promise<number> {
  return ((await register.getSingleMetric(name)?.get())?.values ?? []).reduce(
    (a, x) => a + x.value,
    0,
  );
}
