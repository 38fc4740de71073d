import type { RecordedEvent } from "@uaip/events";
import {
  cacheKeys,
  foldDevices,
  type ProjectionTarget,
  redisProjectionTarget,
} from "@uaip/projections";
import {
  clearNamespace,
  commitInBatches,
  expectedFleetState,
  fleetState,
  sampleHistory,
} from "@uaip/projections/testing";
import { Projector } from "@uaip/projector";
import { streamDefinitions } from "@uaip/streams";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readSnapshots, servesReads } from "./read-snapshots.ts";

// The Redis projection (projections/redis) as readers and the runtime see it: a build from
// empty is marked so that no read is served from it half-built, and a recreated stream
// empties the caches and is folded again, with no halt.

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
    await commitInBatches(replaying, events, 9, 0, async (to) => {
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
    await commitInBatches(replaying, events.slice(0, 10), 10, 0);
    expect(await read()).toMatchObject({ position: 10, replayingUntil: end });
  });

  it("redis projection - a first batch that already reaches the stream end leaves no mark", async () => {
    await commitInBatches(replaying, events, events.length, 0);
    const r = await read();
    expect(r).toMatchObject({ position: end, replayingUntil: undefined });
    expect(servesReads(r)).toBe(true);
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
