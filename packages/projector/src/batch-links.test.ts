import { describe, expect, it } from "vitest";
import { batchLinks, MAX_BATCH_LINKS } from "./batch-links.ts";

const parent = (i: number, flags = "01") =>
  `00-${i.toString(16).padStart(32, "a")}-${i.toString(16).padStart(16, "b")}-${flags}`;

describe("batchLinks", () => {
  it("batch links - one link per appending span, from each event's traceparent", () => {
    const { links, dropped } = batchLinks([
      { traceparent: parent(1) },
      {},
      { traceparent: parent(2, "00") },
      { traceparent: parent(1) },
    ]);
    expect(dropped).toBe(0);
    expect(links.map((l) => l.context)).toEqual([
      {
        traceId: `${"a".repeat(31)}1`,
        spanId: `${"b".repeat(15)}1`,
        traceFlags: 1,
        isRemote: true,
      },
      {
        traceId: `${"a".repeat(31)}2`,
        spanId: `${"b".repeat(15)}2`,
        traceFlags: 0,
        isRemote: true,
      },
    ]);
  });

  it("batch links - at most the bound, the rest counted as dropped", () => {
    const events = Array.from({ length: MAX_BATCH_LINKS + 10 }, (_, i) => ({
      traceparent: parent(i + 1),
    }));
    const { links, dropped } = batchLinks(events);
    expect(links).toHaveLength(MAX_BATCH_LINKS);
    expect(dropped).toBe(10);
    expect(batchLinks(events, 3).links).toHaveLength(3);
  });

  it("batch links - malformed and all-zero traceparents add no link", () => {
    const { links } = batchLinks([
      { traceparent: "garbage" },
      { traceparent: `00-${"0".repeat(32)}-${"b".repeat(16)}-01` },
      { traceparent: `01-${"a".repeat(32)}-${"b".repeat(16)}-01` },
    ]);
    expect(links).toEqual([]);
  });
});
