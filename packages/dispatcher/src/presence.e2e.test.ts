import { readLog } from "@uaip/log-reader";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DispatchTestHub, startDispatchTestHub } from "./testing/dispatch-test-hub.ts";

const timeoutMs = 1_000;
let h: DispatchTestHub;

beforeAll(async () => {
  h = await startDispatchTestHub();
});
afterAll(() => h?.close());

/** Status events of a device in the log: status, reason and source, in order. */
async function statusLog(deviceId: string) {
  // The device's own status and the watchdog's (`….status.hub`): one filter for both.
  await using log = await readLog(h.t.js, h.t.jsm, {
    namespace: h.t.namespace,
    stream: "devices",
    filter: h.t.subjects.deviceEvents(deviceId),
  });
  const out: string[] = [];
  for await (const { raw } of log) {
    if (raw.subject.split(".")[3] !== "status") continue;
    const e = JSON.parse(new TextDecoder().decode(raw.data)) as {
      source: string;
      data: { status: string; reason?: string };
    };
    out.push(`${e.data.status}:${e.data.reason ?? ""}:${e.source}`);
  }
  return out;
}

const statusOf = async (id: string) =>
  (await h.deviceView(id)).status as { value: string; reason: string };

describe("presence", () => {
  it("presence - a silent device goes offline after the timeout; its next message brings it back", async () => {
    const part = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await waitFor(() => part.watchdog.active, 5_000, "the watchdog's lease");
    await h.register("quiet-1", []);
    const d = await h.device("quiet-1", {}, { heartbeatMs: 0 });
    await waitFor(async () => (await statusOf("quiet-1")).value === "online", 5_000);
    const offline = await waitFor(
      async () => {
        const s = await statusOf("quiet-1");
        return s.value === "offline" ? s : undefined;
      },
      5_000,
      "offline after the timeout",
    );
    expect(offline.reason).toBe("heartbeat timeout");
    await d.reportTelemetry({ temperature: 20 });
    await waitFor(async () => (await statusOf("quiet-1")).value === "online", 5_000, "back online");
    expect(await statusLog("quiet-1")).toEqual([
      "online:connected:device",
      "offline:heartbeat timeout:hub",
      "online:message received:hub",
    ]);
    await part.stop();
  });

  it("presence - heartbeats keep a device online; restarting the hub's watchdog does not flip it offline", async () => {
    let part = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await h.register("beating-1", []);
    await h.device("beating-1", {}, { heartbeatMs: 200 });
    await waitFor(async () => (await statusOf("beating-1")).value === "online", 5_000);
    // Heartbeats are not stored: the read model's last-seen is now older than the timeout.
    await new Promise((r) => setTimeout(r, 2 * timeoutMs));
    const view = await h.deviceView("beating-1");
    expect(Date.now() - Date.parse(view.lastSeenAt as string)).toBeGreaterThan(timeoutMs);
    await part.stop();
    await new Promise((r) => setTimeout(r, timeoutMs / 2));
    part = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await waitFor(() => part.watchdog.active, 5_000, "the new watchdog's lease");
    await new Promise((r) => setTimeout(r, 3 * timeoutMs));
    expect(await statusLog("beating-1")).toEqual(["online:connected:device"]);
    await part.stop();
  });

  it("presence - with two watchdogs running only one acts: a silent device gets one offline event", async () => {
    const a = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    const b = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await waitFor(() => a.watchdog.active || b.watchdog.active, 5_000);
    expect(a.watchdog.active && b.watchdog.active).toBe(false);
    await h.register("quiet-2", []);
    await h.device("quiet-2", {}, { heartbeatMs: 0 });
    await waitFor(async () => (await statusOf("quiet-2")).value === "offline", 5_000);
    await new Promise((r) => setTimeout(r, 2 * timeoutMs));
    expect(await statusLog("quiet-2")).toEqual([
      "online:connected:device",
      "offline:heartbeat timeout:hub",
    ]);
    await Promise.all([a.stop(), b.stop()]);
  });

  it("presence - when the active watchdog stops, the other takes over", async () => {
    const a = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await waitFor(() => a.watchdog.active, 5_000);
    const b = await h.startDispatcher({ presenceTimeoutMs: timeoutMs });
    await a.stop();
    await waitFor(() => b.watchdog.active, 5_000, "the standby to take over");
    await h.register("quiet-3", []);
    await h.device("quiet-3", {}, { heartbeatMs: 0 });
    await waitFor(async () => (await statusOf("quiet-3")).value === "offline", 5_000);
    await b.stop();
  });
});
