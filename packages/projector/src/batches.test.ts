import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { batches } from "./batches.ts";

async function* numbers(n: number): AsyncGenerator<number> {
  for (let i = 1; i <= n; i++) yield i;
}

/** A source that never yields, like a consumer on an idle stream. */
const idle: AsyncIterable<number> = {
  [Symbol.asyncIterator]: () => ({ next: () => new Promise(() => {}) }),
};

describe("batches", () => {
  it("batches - a backlog drains in full batches, in order, the rest in a last one", async () => {
    const out: number[][] = [];
    for await (const b of batches(numbers(1_250), 500, 10)) out.push(b);
    expect(out.map((b) => b.length)).toEqual([500, 500, 250]);
    expect(out.flat()).toEqual(Array.from({ length: 1_250 }, (_, i) => i + 1));
  });

  it("batches - leaves no listener behind per read, so a long backlog holds no memory", async () => {
    const signal = new AbortController().signal;
    let n = 0;
    for await (const b of batches(numbers(20_000), 100, 10, signal)) n += b.length;
    expect(n).toBe(20_000);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("batches - an abort ends a read that is still waiting", async () => {
    const controller = new AbortController();
    const done = (async () => {
      const out: number[][] = [];
      for await (const b of batches(idle, 10, 10, controller.signal)) out.push(b);
      return out;
    })();
    setTimeout(() => controller.abort(), 20);
    expect(await done).toEqual([]);
  });
});
