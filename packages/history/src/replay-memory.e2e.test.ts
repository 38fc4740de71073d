import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEvent, streamName } from "@uaip/events";
import { createTestHub, publishAll, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peakRss } from "./testing/peak-rss.ts";

const EVENTS = 100_000;
let t: TestHub;
let dir: string;

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-replay-mem-"));
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  const events = Array.from({ length: EVENTS }, (_, i) =>
    createEvent("device.status_changed", `m-${i % 5_000}`, {
      status: statuses[i % 4]!,
      reason: `reading ${i} of a long export, padded to look like a real reason`,
    }),
  );
  await publishAll(events, (e) => t.publish(e));
}, 180_000);
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("replay memory", () => {
  it("replay memory - exporting 100,000 events to a file keeps the process RSS under 150 MB", async () => {
    expect((await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.messages).toBe(
      EVENTS,
    );
    const out = join(dir, "all.ndjson");
    // The same command exporting one event: what the process costs before any export work.
    const idle = await peakRss(["replay", "--out", out, "--limit", "1"], t.env);
    expect(idle.code).toBe(0);
    const full = await peakRss(["replay", "--out", out], t.env);
    expect(full.stderr).toContain(`wrote ${EVENTS} events`);
    expect(full.code).toBe(0);
    expect((await stat(out)).size).toBeGreaterThan(EVENTS * 200);
    // With the young generation at 1 MB and the old generation capped at 64 MB (far below
    // the 35 MB of output plus what 100,000 decoded events would take), the export must
    // still finish: only a streaming export can.
    const capped = await peakRss(["replay", "--out", out], {
      ...t.env,
      NODE_OPTIONS: "--max-semi-space-size=1 --max-old-space-size=64",
    });
    expect(capped.stderr).toContain(`wrote ${EVENTS} events`);
    console.log(
      `replay of ${EVENTS} events, peak RSS: ${idle.peakMiB.toFixed(1)} MiB exporting 1, ${full.peakMiB.toFixed(1)} MiB exporting all, ${capped.peakMiB.toFixed(1)} MiB with a capped heap`,
    );
    expect(full.peakMiB).toBeLessThan(150);
    expect(capped.peakMiB).toBeLessThan(150);
    // Default GC settings: what the export adds is young-generation headroom, not data.
    expect(full.peakMiB - idle.peakMiB).toBeLessThan(50);
  }, 180_000);
});
