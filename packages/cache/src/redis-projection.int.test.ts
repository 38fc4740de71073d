import type { RecordedEvent } from "@uaip/events";
import {
  CheckpointConflictError,
  foldDevices,
  type ProjectionTarget,
  type RejectedMessage,
} from "@uaip/projections";
import { Projector } from "@uaip/projector";
import { streamDefinitions } from "@uaip/streams";
import { countRoundTrips, createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { commitBatchScript } from "./cache-scripts.ts";
import { deviceCache } from "./device-cache.ts";
import { cacheKeys } from "./keys.ts";
import { readSnapshots, servesReads } from "./read-snapshots.ts";
import { redisProjectionTarget } from "./redis-projection.ts";
import { runScript } from "./run-script.ts";
import {
  clearNamespace,
  dumpNamespace,
  expectedFleetState,
  fleetState,
  sampleHistory,
} from "./test-fixtures.ts";

let t: TestHub;
let target: ProjectionTarget;

beforeAll(async () => {
  t = await createTestHub();
  // This hub's devices stream stays empty: a build from 0 finds nothing to wait for.
  target = redisProjectionTarget(t.redis, t.namespace, { jsm: t.jsm });
});
afterAll(() => t.close());
beforeEach(() => clearNamespace(t.redis, t.namespace));

/** Commits the events in batches of `size` from sequence `from`, the way the runtime would. */
async function project(
  events: readonly RecordedEvent[],
  size: number,
  from = 0,
  into = target,
  afterBatch?: (to: number) => Promise<void>,
): Promise<void> {
  let position = from;
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    const to = batch.at(-1)!.seq;
    await into.commit({ events: batch, rejected: [], from: position, to });
    position = to;
    await afterBatch?.(to);
  }
}

/** Snapshots, sets and counters must equal a fresh fold of the same events. */
async function expectFoldOf(events: readonly RecordedEvent[]): Promise<void> {
  const rows = foldDevices(events);
  const cached = await deviceCache(t.redis, t.namespace).getDevices([...rows.keys()]);
  expect(cached).toEqual(rows);
  expect(await fleetState(t.redis, t.namespace)).toEqual(expectedFleetState(rows.values()));
}

describe("redis projection", () => {
  it("redis projection - position is undefined before the first batch, then the last committed sequence", async () => {
    expect(target.name).toBe("redis");
    expect(target.stream).toBe("devices");
    expect(await target.position()).toBeUndefined();
    const events = sampleHistory(3);
    await project(events, 4);
    expect(await target.position()).toBe(events.at(-1)!.seq);
  });

  it("redis projection - batches fold into snapshots, sets and counters equal to a fresh fold", async () => {
    const events = sampleHistory();
    await project(events, 7);
    await expectFoldOf(events);
    const counts = await t.redis.hgetall(cacheKeys(t.namespace).counts);
    // dev-4 declared itself again as a sensor: a device's later registration never changes its type.
    expect(counts["type:sensor"]).toBeUndefined();
    expect(counts["type:unknown"]).toBe("1"); // stray-1 reported before registering
  });

  it("redis projection - a wrong from throws CheckpointConflictError and applies nothing", async () => {
    const events = sampleHistory(4);
    await project(events.slice(0, 5), 5);
    const before = await dumpNamespace(t.redis, t.namespace);
    const rest = events.slice(5);
    const wrong = { events: rest, rejected: [], from: 3, to: rest.at(-1)!.seq };
    await expect(target.commit(wrong)).rejects.toBeInstanceOf(CheckpointConflictError);
    await expect(target.commit(wrong)).rejects.toMatchObject({ projection: "redis", expected: 3 });
    // From 0 is wrong too once a checkpoint exists.
    await expect(target.commit({ ...wrong, from: 0 })).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    expect(await dumpNamespace(t.redis, t.namespace)).toEqual(before);
  });

  it("redis projection - after the keys are lost position is undefined and a replay from 0 rebuilds the same state", async () => {
    const events = sampleHistory();
    await project(events, 5);
    const built = await dumpNamespace(t.redis, t.namespace);

    await clearNamespace(t.redis, t.namespace); // what a FLUSHALL does to this namespace
    expect(await target.position()).toBeUndefined();
    // A worker that did not notice resumes where it was: refused, the data is gone.
    const tail = events.slice(-3);
    await expect(
      target.commit({ events: tail, rejected: [], from: tail[0]!.seq - 1, to: tail.at(-1)!.seq }),
    ).rejects.toBeInstanceOf(CheckpointConflictError);

    // The runtime replays from 0, batched differently this time: same keys, same values.
    await project(events, 13);
    expect(await dumpNamespace(t.redis, t.namespace)).toEqual(built);
    await expectFoldOf(events);
  });

  it("redis projection - events redelivered after a crash change nothing", async () => {
    const events = sampleHistory();
    await project(events, 10);
    const built = await dumpNamespace(t.redis, t.namespace);
    // Stored snapshots are newer than these events: the fold and the script both skip them.
    const last = events.at(-1)!.seq;
    await target.commit({ events: events.slice(10, 30), rejected: [], from: last, to: last });
    expect(await dumpNamespace(t.redis, t.namespace)).toEqual(built);
  });

  it("redis projection - rejected events only move the checkpoint", async () => {
    const rejected: RejectedMessage = {
      stream: "UAIP_DEVICES",
      seq: 1,
      subject: "x",
      data: new TextEncoder().encode("{"),
      rejection: { reason: "malformed_json", message: "not JSON", issues: [] },
    };
    await target.commit({ events: [], rejected: [rejected], from: 0, to: 1 });
    expect(await target.position()).toBe(1);
    expect(await dumpNamespace(t.redis, t.namespace)).toEqual({
      [cacheKeys(t.namespace).checkpoint]: "1",
    });
  });

  it("redis projection - reset empties every cache key of the namespace, and only those", async () => {
    await project(sampleHistory(), 6);
    const other = `${t.namespace}x:device:dev-1`; // another hub whose namespace starts alike
    const foreign = `${t.namespace}:not-a-cache-key`;
    await t.redis.set(other, "kept");
    await t.redis.set(foreign, "kept");
    try {
      await target.reset!();
      expect(await target.position()).toBeUndefined();
      expect(await dumpNamespace(t.redis, t.namespace)).toEqual({ [foreign]: "kept" });
      expect(await t.redis.get(other)).toBe("kept");
    } finally {
      await t.redis.del(other, foreign);
    }
  });

  it("redis projection - a batch costs two round trips whatever its size", async () => {
    const events = sampleHistory(60); // 60 devices, 245 events
    await project(events.slice(0, 1), 1); // loads the script on this connection
    using trips = countRoundTrips(t.redis);
    await project(events.slice(1), events.length, 1);
    expect(trips.count).toBe(2);
    await expectFoldOf(events);
  });
});

describe("redis projection replay marker", () => {
  // A hub of its own whose devices stream really holds the history, so that the stream end
  // the projection asks NATS for is the history's last sequence.
  let h: TestHub;
  let replaying: ProjectionTarget;
  let events: RecordedEvent[];
  let end: number;

  beforeAll(async () => {
    h = await createTestHub();
    replaying = redisProjectionTarget(h.redis, h.namespace, { jsm: h.jsm });
    events = sampleHistory(8);
    for (const e of events) end = (await h.publish(e.event)).seq;
    expect(end).toBe(events.at(-1)!.seq);
  });
  afterAll(() => h.close());
  beforeEach(() => clearNamespace(h.redis, h.namespace));

  const read = () => readSnapshots(h.redis, h.namespace, ["dev-0", "dev-1"]);

  it("redis projection - a build from empty is marked replaying until the stream end, and the batch reaching it clears the mark", async () => {
    expect(servesReads(await read())).toBe(false); // empty: no checkpoint
    const seen: { to: number; until: number | undefined; serves: boolean }[] = [];
    await project(events, 9, 0, replaying, async (to) => {
      const r = await read();
      expect(r.position).toBe(to);
      seen.push({ to, until: r.replayingUntil, serves: servesReads(r) });
    });
    expect(seen.length).toBeGreaterThan(2);
    for (const s of seen.slice(0, -1)) expect(s).toEqual({ to: s.to, until: end, serves: false });
    expect(seen.at(-1)).toEqual({ to: end, until: undefined, serves: true });
    expect(await h.redis.exists(cacheKeys(h.namespace).replayingUntil)).toBe(0);

    // Lost again mid-way through a later build: the mark comes back with the first batch.
    await clearNamespace(h.redis, h.namespace);
    await project(events.slice(0, 10), 10, 0, replaying);
    expect(await read()).toMatchObject({ position: 10, replayingUntil: end });
  });

  it("redis projection - a first batch that already reaches the stream end leaves no mark", async () => {
    await project(events, events.length, 0, replaying);
    const r = await read();
    expect(r).toMatchObject({ position: end, replayingUntil: undefined });
    expect(servesReads(r)).toBe(true);
  });

  it("redis projection - the commit script refuses a batch onto a missing checkpoint without the stream end", async () => {
    const keys = cacheKeys(h.namespace);
    await expect(
      runScript(
        h.redis,
        commitBatchScript,
        [keys.checkpoint, keys.replayingUntil],
        [keys.prefix, 0, 5, ""],
      ),
    ).rejects.toThrow(/^MISSING_STREAM_END/);
    expect(await dumpNamespace(h.redis, h.namespace)).toEqual({});
  });
});

describe("redis projection on a recreated stream", () => {
  it("redis projection - a recreated stream empties the caches and folds the new stream, no halt", async () => {
    await using h = await createTestHub();
    const old = sampleHistory(10);
    for (const e of old) await h.publish(e.event);
    const common = { namespace: h.namespace, js: h.js, jsm: h.jsm, logger: h.logger };
    const start = () =>
      Projector.start({
        ...common,
        target: redisProjectionTarget(h.redis, h.namespace, { jsm: h.jsm }),
        batchSize: 10,
        batchWaitMs: 5,
        deadLetters: false,
      });
    const reached = (seq: number) =>
      waitFor(
        async () => (await h.redis.get(cacheKeys(h.namespace).checkpoint)) === String(seq),
        30_000,
        `redis checkpoint ${seq}`,
      );
    let p = start();
    await reached(old.length);
    await p.stop();

    const defs = streamDefinitions(h.namespace);
    await h.jsm.streams.delete(defs.devices.name);
    await h.jsm.streams.add(defs.devices);
    const fresh = sampleHistory(3).filter((e) => e.event.type === "device.registered");
    for (const e of fresh) await h.publish(e.event);

    p = start();
    try {
      await reached(fresh.length);
      expect(p.state).toBe("running");
      const rows = foldDevices(fresh.map((e, i) => ({ ...e, seq: i + 1 })));
      const keys = cacheKeys(h.namespace);
      const devices = (await h.redis.keys(keys.device("*"))).sort();
      expect(devices).toEqual([...rows.keys()].map((id) => keys.device(id)).sort());
      expect(await fleetState(h.redis, h.namespace)).toEqual(expectedFleetState(rows.values()));
    } finally {
      await p.stop();
    }
  });
});
