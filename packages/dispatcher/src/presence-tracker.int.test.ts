import { appendEvent, deviceSubjects } from "@uaip/device-protocol";
import { createEvent } from "@uaip/events";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PresenceTracker } from "./presence-tracker.ts";

let t: TestHub;
let tracker: PresenceTracker;

beforeAll(async () => {
  t = await createTestHub();
  tracker = await PresenceTracker.start({
    nc: t.nc,
    namespace: t.namespace,
    db: t.db,
    logger: t.logger,
  });
});
afterAll(async () => {
  tracker?.stop();
  await t?.close();
});

describe("presence tracker", () => {
  it("presence tracker - the hub's own appends update status but do not count as the device being seen", async () => {
    const to = { nc: t.nc, js: t.js, subjects: t.subjects };
    await appendEvent(
      to,
      createEvent(
        "command.issued",
        "pt-1",
        { commandId: "c1", name: "x", expiresAt: new Date(Date.now() + 60_000).toISOString() },
        { source: "operator" },
      ),
    );
    await appendEvent(
      to,
      createEvent("command.delivered", "pt-1", { commandId: "c1", attempt: 1 }, { source: "hub" }),
    );
    await appendEvent(
      to,
      createEvent(
        "device.status_changed",
        "pt-1",
        { status: "offline", reason: "heartbeat timeout" },
        { source: "hub" },
      ),
    );
    await waitFor(() => tracker.get("pt-1")?.status === "offline");
    expect(tracker.get("pt-1")?.lastSeen).toBe(0);
  });

  it("presence tracker - telemetry, heartbeats and device command outcomes count as seen; a silent-then-seen device is reported", async () => {
    const seenWhileOffline: string[] = [];
    tracker.onSeenWhileOffline((id) => seenWhileOffline.push(id));
    t.nc.publish(deviceSubjects(t.namespace, "pt-1").heartbeat);
    await waitFor(() => (tracker.get("pt-1")?.lastSeen ?? 0) > 0);
    expect(seenWhileOffline).toEqual(["pt-1"]);
    await t.publish(createEvent("telemetry.reported", "pt-2", { metrics: { a: 1 } }));
    await t.publish(createEvent("command.completed", "pt-3", { commandId: "c9" }));
    await waitFor(
      () => (tracker.get("pt-2")?.lastSeen ?? 0) > 0 && (tracker.get("pt-3")?.lastSeen ?? 0) > 0,
    );
    tracker.onSeenWhileOffline(undefined);
  });

  it("presence tracker - a body claiming to be the hub's on a device subject counts as the device", async () => {
    // The old tracker trusted a `Uaip-Source` header any client could set; now only the subject's
    // origin token says "hub", and no device may publish on such a subject.
    await t.publishRaw(
      t.subjects.device("pt-4", "status"),
      JSON.stringify({ source: "hub", data: { status: "online" } }),
    );
    await waitFor(() => tracker.get("pt-4")?.status === "online");
    expect(tracker.get("pt-4")?.lastSeen).toBeGreaterThan(0);
  });

  it("presence tracker - once decommissioned, nothing the device sends counts", async () => {
    const to = { nc: t.nc, js: t.js, subjects: t.subjects };
    await t.publish(createEvent("device.status_changed", "pt-5", { status: "online" }));
    await waitFor(() => tracker.get("pt-5")?.status === "online");
    await appendEvent(to, createEvent("device.decommissioned", "pt-5", {}, { source: "operator" }));
    await waitFor(() => tracker.isDecommissioned("pt-5"));
    const seenAt = tracker.get("pt-5")?.lastSeen;
    await t.publish(createEvent("device.status_changed", "pt-5", { status: "error" }));
    t.nc.publish(deviceSubjects(t.namespace, "pt-5").heartbeat);
    // An echo published after them shows the tracker has processed both.
    await t.publish(createEvent("device.status_changed", "pt-6", { status: "online" }));
    await waitFor(() => tracker.get("pt-6")?.status === "online");
    expect(tracker.get("pt-5")).toMatchObject({ status: "online", lastSeen: seenAt });
  });

  it("presence tracker - a device not seen since the tracker started counts as seen at its start", () => {
    expect(tracker.lastSeen("never-heard-of")).toBe(tracker.startedAt);
  });
});
