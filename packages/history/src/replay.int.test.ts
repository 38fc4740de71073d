import {
  decodeEvent,
  type EventType,
  type RecordedEvent,
  type StreamKind,
  streamName,
} from "@uaip/events";
import { recordSpans } from "@uaip/telemetry/testing";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReplayQueryError } from "./errors.ts";
import { openReplay } from "./open-replay.ts";
import type { ReplayQuery } from "./replay-plan.ts";
import type { ReplayRecord } from "./replay-record.ts";

let t: TestHub;
let t1: Date;
let t2: Date;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await createTestHub();
  const events = sampleEvents("r", 12, 900);
  await publishAll(events.slice(0, 300), (e) => t.publish(e));
  await pause(30);
  t1 = new Date();
  await pause(30);
  await publishAll(events.slice(300, 600), (e) => t.publish(e));
  await pause(30);
  t2 = new Date();
  await pause(30);
  await publishAll(events.slice(600), (e) => t.publish(e));
  await t.publishRaw(t.subjects.device("r-3", "status"), "{not json");
});
afterAll(() => t?.close());

/** Every message of a stream read one by one by sequence: the reference replay must equal. */
async function directRead(kind: StreamKind): Promise<RecordedEvent[]> {
  const stream = streamName(t.namespace, kind);
  const last = (await t.jsm.streams.info(stream)).state.last_seq;
  const out: RecordedEvent[] = [];
  for (let seq = 1; seq <= last; seq++) {
    const m = (await t.jsm.streams.getMessage(stream, { seq }))!;
    const decoded = decodeEvent(
      {
        stream,
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        storedAt: new Date(m.timestamp),
        header: (name) => m.header.get(name),
      },
      t.subjects,
    );
    if (decoded.ok) out.push(decoded.value);
  }
  return out;
}

async function replayAll(query: ReplayQuery): Promise<ReplayRecord[]> {
  const replay = await openReplay({ js: t.js, jsm: t.jsm, namespace: t.namespace }, query);
  const out: ReplayRecord[] = [];
  for await (const r of replay.records) out.push(r);
  return out;
}

const key = (r: { seq: number; event?: { id: string } }) => `${r.seq}:${r.event?.id}`;
const keys = (rs: readonly { seq: number; event?: { id: string } }[]) => rs.map(key);

describe("replay", () => {
  it("replay - by device equals a direct read of the stream, in stream order", async () => {
    const expected = (await directRead("devices")).filter((e) => e.event.deviceId === "r-5");
    const got = await replayAll({ device: "r-5" });
    expect(expected.length).toBeGreaterThan(10);
    expect(keys(got)).toEqual(keys(expected));
  });

  it("replay - by device glob and several types (client-side filters) equals a direct read", async () => {
    const types: EventType[] = ["device.status_changed", "device.updated"];
    const expected = (await directRead("devices")).filter(
      (e) => /^r-1\d?$/.test(e.event.deviceId) && types.includes(e.event.type),
    );
    const got = await replayAll({ device: "r-1?", types });
    const got2 = await replayAll({ device: "r-1*", types });
    expect(expected.length).toBeGreaterThan(10);
    expect(keys(got)).toEqual(keys(expected.filter((e) => e.event.deviceId.length === 4)));
    expect(keys(got2)).toEqual(keys(expected));
  });

  it("replay - by type picks the stream and equals a direct read", async () => {
    const expected = (await directRead("commands")).filter(
      (e) => e.event.type === "command.completed",
    );
    const got = await replayAll({ types: ["command.completed"] });
    expect(expected.length).toBeGreaterThan(5);
    expect(got.every((r) => r.stream === streamName(t.namespace, "commands"))).toBe(true);
    expect(keys(got)).toEqual(keys(expected));
  });

  it("replay - by sequence range (inclusive) and limit equals a direct read", async () => {
    const all = await directRead("telemetry");
    const expected = all.filter((e) => e.seq >= 20 && e.seq <= 120);
    const got = await replayAll({ stream: "telemetry", fromSeq: 20, toSeq: 120 });
    expect(keys(got)).toEqual(keys(expected));
    const limited = await replayAll({ stream: "telemetry", fromSeq: 20, limit: 7 });
    expect(keys(limited)).toEqual(keys(expected.slice(0, 7)));
  });

  it("replay - by time range (stream time) equals a direct read", async () => {
    const expected = (await directRead("devices")).filter(
      (e) => e.storedAt >= t1 && e.storedAt <= t2,
    );
    const got = await replayAll({ since: t1, until: t2 });
    expect(expected.length).toBeGreaterThan(50);
    expect(keys(got)).toEqual(keys(expected));
    expect(got.every((r) => new Date(r.storedAt) >= t1 && new Date(r.storedAt) <= t2)).toBe(true);
  });

  it("replay - a message that does not decode is kept, with its rejection and body", async () => {
    const got = await replayAll({ device: "r-3", fromSeq: 1 });
    const bad = got.at(-1)!;
    expect(bad.event).toBeUndefined();
    expect(bad.rejected?.reason).toBe("malformed_json");
    expect(bad.body).toBe("{not json");
  });

  it("replay - nothing matching ends at once; a range backwards, a sequence past the end and an unknown stream are refused", async () => {
    expect(await replayAll({ device: "nobody" })).toEqual([]);
    const refused = async (q: ReplayQuery) => {
      const err = await replayAll(q).catch((e: unknown) => e);
      expect(isReplayQueryError(err), String(err)).toBe(true);
      return (err as Error).message;
    };
    expect(await refused({ since: t2, until: t1 })).toMatch(/^--until: .* is before --since/);
    expect(await refused({ stream: "devices", fromSeq: 100_000 })).toMatch(
      /^--from-seq: 100000 is past the end of the stream \(last sequence \d+\)/,
    );
    expect(await refused({ stream: "orders" })).toMatch(/^--stream: unknown stream "orders"/);
    expect(await refused({ types: ["device.exploded"] })).toMatch(/^--type: unknown event type/);
    expect(await refused({ stream: "telemetry", types: ["command.issued"] })).toMatch(
      /kept in the commands stream, not telemetry/,
    );
  });

  it("replay - follow delivers live events until stopped", async () => {
    const ac = new AbortController();
    const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
    const replay = await openReplay(
      { js: t.js, jsm: t.jsm, namespace: t.namespace },
      { fromSeq: last + 1, follow: true },
      { signal: ac.signal },
    );
    const seen: ReplayRecord[] = [];
    const reading = (async () => {
      for await (const r of replay.records) {
        seen.push(r);
        if (seen.length === 2) ac.abort();
      }
    })();
    await pause(200);
    for (const e of sampleEvents("live", 2, 2)) await t.publish(e);
    await reading;
    expect(seen.map((r) => r.event?.deviceId)).toEqual(["live-0", "live-1"]);
  });
});

describe("replay span", () => {
  it("replay - one span from opening to the last record, with the counts read and kept", async () => {
    await using spans = recordSpans();
    const replay = await openReplay(t, { device: "r-1" });
    let n = 0;
    for await (const _ of replay.records) n++;
    const [span] = spans.named("replay devices");
    expect(span?.attributes).toMatchObject({
      "uaip.replay.total": replay.total,
      "uaip.replay.records": n,
      "uaip.replay.follow": false,
    });
    expect(n).toBeGreaterThan(0);
  });
});
