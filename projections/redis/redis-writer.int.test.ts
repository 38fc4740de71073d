import type { RecordedEvent } from "@uaip/events";
import { countRoundTrips, createTestHub, type TestHub, writerSpec } from "@uaip/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckpointConflictError } from "../checkpoint-conflict-error.ts";
import { foldDevices } from "../devices/devices-fold.ts";
import type { ProjectionTarget, RejectedMessage } from "../projection-target.ts";
import {
  clearNamespace,
  commitInBatches,
  dumpNamespace,
  expectedFleetState,
  fleetState,
  sampleHistory,
} from "../testing/redis-fixtures.ts";
import { writerContract } from "../testing/writer-contract.ts";
import { cacheKeys } from "./cache-keys.ts";
import { readDevices } from "./read-devices.ts";
import { redisProjectionTarget } from "./redis-projection.ts";
import { commitBatchScript } from "./redis-scripts.ts";
import { runScript } from "./run-script.ts";
import { scanSuffixes } from "./scan-keys.ts";

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
const project = (events: readonly RecordedEvent[], size: number, from = 0) =>
  commitInBatches(target, events, size, from);

/** Snapshots, sets and counters must equal a fresh fold of the same events. */
async function expectFoldOf(events: readonly RecordedEvent[]): Promise<void> {
  const rows = foldDevices(events);
  const cached = await readDevices(t.redis, t.namespace, [...rows.keys()]);
  expect(cached).toEqual(rows);
  expect(await fleetState(t.redis, t.namespace)).toEqual(expectedFleetState(rows.values()));
}

/** What the caches hold, every snapshot of the namespace included, in the shape of `fold`. */
async function readCaches() {
  const ids = await scanSuffixes(t.redis, cacheKeys(t.namespace).device(""));
  return {
    rows: await readDevices(t.redis, t.namespace, ids),
    fleet: await fleetState(t.redis, t.namespace),
  };
}
const fold = (events: readonly RecordedEvent[]) => {
  const rows = foldDevices(events);
  return { rows, fleet: expectedFleetState(rows.values()) };
};
// Each batch from where the checkpoint is, as the runtime sends them.
const spec = writerSpec<RecordedEvent, Awaited<ReturnType<typeof readCaches>>>({
  reset: () => clearNamespace(t.redis, t.namespace),
  apply: async (events) => {
    const from = (await target.position()) ?? 0;
    await target.commit({ events, rejected: [], from, to: events.at(-1)!.seq });
  },
  read: readCaches,
});

describe("redis writer", () => {
  writerContract({
    area: "redis writer",
    spec,
    history: sampleHistory(),
    fold,
    replayable: true,
  });
});

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
    await spec
      .given(...events)
      .inBatchesOf(7)
      .thenEquals(fold(events));
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

  it("redis projection - the commit script refuses a batch onto a missing checkpoint without the stream end", async () => {
    const keys = cacheKeys(t.namespace);
    await expect(
      runScript(
        t.redis,
        commitBatchScript,
        [keys.checkpoint, keys.replayingUntil],
        [keys.prefix, 0, 5, ""],
      ),
    ).rejects.toThrow(/^MISSING_STREAM_END/);
    expect(await dumpNamespace(t.redis, t.namespace)).toEqual({});
  });
});
