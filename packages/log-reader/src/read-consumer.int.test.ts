import { AckPolicy, DeliverPolicy } from "@nats-io/jetstream";
import { createEvent, streamName } from "@uaip/events";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsumerEntry, readConsumer } from "./read-consumer.ts";

let t: TestHub;
let stream: string;
beforeAll(async () => {
  t = await createTestHub();
  stream = streamName(t.namespace, "devices");
  for (let i = 0; i < 10; i++)
    await t.publish(createEvent("device.status_changed", `d-${i % 2}`, { status: "online" }));
  await t.publishRaw(t.subjects.device("d-9", "status"), "{not json");
});
afterAll(() => t?.close());

async function durable(name: string, afterSeq = 0): Promise<void> {
  await t.jsm.consumers.add(stream, {
    durable_name: name,
    ack_policy: AckPolicy.All,
    ...(afterSeq > 0
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSeq + 1 }
      : { deliver_policy: DeliverPolicy.All }),
  });
}

async function take(read: AsyncIterable<ConsumerEntry>, n: number): Promise<ConsumerEntry[]> {
  const out: ConsumerEntry[] = [];
  if (n === 0) return out;
  for await (const e of read) {
    out.push(e);
    if (out.length === n) break;
  }
  return out;
}

describe("read consumer", () => {
  it("read consumer - entries in order, decoded as readLog decodes them, with their delivery sequence", async () => {
    await durable("all");
    await using read = await readConsumer(t.js, {
      namespace: t.namespace,
      stream: "devices",
      consumer: "all",
    });
    const entries = await take(read, 11);
    expect(entries.map((e) => e.raw.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(entries.map((e) => e.deliverySequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(entries.filter((e) => e.decoded.ok)).toHaveLength(10);
    expect(entries[10]?.decoded).toMatchObject({
      ok: false,
      rejection: { reason: "malformed_json" },
    });
    expect(entries[10]?.pending).toBe(0);
  });

  it("read consumer - one ack of the last entry acks all before it, and the consumer outlives the read", async () => {
    await durable("acks", 4);
    const read = await readConsumer(t.js, {
      namespace: t.namespace,
      stream: "devices",
      consumer: "acks",
    });
    const entries = await take(read, 3);
    expect(entries.map((e) => e.raw.seq)).toEqual([5, 6, 7]);
    entries[2]?.ack();
    await read.close();
    // The ack reached the server before close returned or shortly after: poll for it.
    let floor = 0;
    for (let i = 0; i < 50 && floor !== 7; i++) {
      floor = (await t.jsm.consumers.info(stream, "acks")).ack_floor.stream_seq;
      if (floor !== 7) await new Promise((r) => setTimeout(r, 20));
    }
    expect(floor).toBe(7);
  });

  it("read consumer - pulls only as the caller iterates: at most about twice the batch is delivered", async () => {
    await durable("flat");
    await using read = await readConsumer(t.js, {
      namespace: t.namespace,
      stream: "devices",
      consumer: "flat",
      batch: 2,
    });
    await take(read, 1);
    await new Promise((r) => setTimeout(r, 200));
    const info = await t.jsm.consumers.info(stream, "flat");
    expect(info.delivered.stream_seq).toBeLessThanOrEqual(4);
  });

  it("read consumer - closing with a read pending on an idle stream returns within its bound", async () => {
    await durable("idle", 11);
    const read = await readConsumer(t.js, {
      namespace: t.namespace,
      stream: "devices",
      consumer: "idle",
    });
    const pending = read[Symbol.asyncIterator]().next();
    const started = performance.now();
    await read.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    void pending.catch(() => {});
  });
});
