import { createEvent } from "@uaip/events";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LogEntry, readLog } from "./read-log.ts";

let t: TestHub;
beforeAll(async () => {
  t = await createTestHub();
  for (let i = 0; i < 10; i++)
    await t.publish(createEvent("device.status_changed", `d-${i % 2}`, { status: "online" }));
  await t.publishRaw(t.subjects.device("d-9", "status"), "{not json");
});
afterAll(() => t?.close());

const collect = async (it: AsyncIterable<LogEntry>) => {
  const out: LogEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
};

describe("read log", () => {
  it("read log - to the end as it was: every message in order, decoded or with its rejection", async () => {
    await using log = await readLog(t.js, t.jsm, { namespace: t.namespace, stream: "devices" });
    expect(log.total).toBe(11);
    const entries = await collect(log);
    expect(entries.map((e) => e.raw.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(entries.filter((e) => e.decoded.ok)).toHaveLength(10);
    expect(entries[10]?.decoded).toMatchObject({
      ok: false,
      rejection: { reason: "malformed_json" },
    });
  });

  it("read log - a filter, a start after a sequence and an end sequence narrow the range", async () => {
    const filtered = await collect(
      await readLog(t.js, t.jsm, {
        namespace: t.namespace,
        stream: "devices",
        filter: t.subjects.deviceEvents("d-1"),
        from: { afterSeq: 2 },
        to: { toSeq: 8 },
      }),
    );
    expect(filtered.map((e) => e.raw.seq)).toEqual([4, 6, 8]);
    // A filter whose last match is not the stream's last message still ends.
    const d0 = await collect(
      await readLog(t.js, t.jsm, {
        namespace: t.namespace,
        stream: "devices",
        filter: t.subjects.deviceEvents("d-0"),
      }),
    );
    expect(d0.map((e) => e.raw.seq)).toEqual([1, 3, 5, 7, 9]);
  });

  it("read log - an empty range ends at once; a follow waits for new events and closes within its bound", async () => {
    const none = await collect(
      await readLog(t.js, t.jsm, {
        namespace: t.namespace,
        stream: "devices",
        filter: t.subjects.deviceEvents("nobody"),
      }),
    );
    expect(none).toEqual([]);

    const log = await readLog(t.js, t.jsm, {
      namespace: t.namespace,
      stream: "devices",
      from: "new",
      to: "follow",
    });
    const it = log[Symbol.asyncIterator]();
    const next = it.next();
    await t.publish(createEvent("device.status_changed", "late", { status: "offline" }));
    const first = await next;
    expect(first.value?.decoded).toMatchObject({
      ok: true,
      value: { event: { deviceId: "late" } },
    });
    // Left with a read pending on an idle stream: closing still returns promptly.
    const pending = it.next();
    const started = performance.now();
    await log.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    void pending.catch(() => {});
  });
});
