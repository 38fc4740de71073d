import type { CommandReply } from "@uaip/device-protocol";
import { createEvent, type DeviceEvent } from "@uaip/events";
import { describe, expect, it } from "vitest";
import type { DeliveryResult } from "./command-delivery.ts";
import { type DeliveryPolicy, deliveryPolicy } from "./delivery-policy.ts";
import type { AppendResult, DispatchEffect } from "./dispatch-effects.ts";
import { DispatchScheduler } from "./dispatch-scheduler.ts";
import type { OpenCommandRow } from "./open-commands.ts";
import { fakeClock } from "./testing/fake-clock.ts";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const ok: AppendResult = { ok: true };
const completed: DeliveryResult = { kind: "answered", reply: { status: "completed" } };
const answered = (reply: CommandReply): DeliveryResult => ({ kind: "answered", reply });

type Answerable = Extract<DispatchEffect, { done: unknown }>;

const commandOf = (e: Answerable): string =>
  e.kind === "append"
    ? (((e.events[0]?.data ?? {}) as { commandId?: string }).commandId ?? "?")
    : e.command.commandId;

/** One effect as a line: `send:c1#2`, `append:c1:delivered,acknowledged,completed`, … */
function line(e: DispatchEffect): string {
  switch (e.kind) {
    case "check-cancelled":
      return `check-cancelled:${e.command.commandId}`;
    case "send":
      return `send:${e.command.commandId}#${e.attempt}`;
    case "append":
      return `append:${commandOf(e)}:${e.events.map((x) => x.type.slice(8)).join(",")}`;
    case "closed":
      return `closed:${e.commandId}:${e.state}`;
    case "failed":
      return `failed:${e.deviceId}:${e.what}`;
    default:
      return `${e.kind}:${e.deviceId}`;
  }
}

/** A scheduler on a fake clock whose shell only writes down what it is asked. */
function setup(policy: Partial<DeliveryPolicy> = {}) {
  const clock = fakeClock(T0);
  const decommissioned = new Set<string>();
  let log: string[] = [];
  const unanswered: Answerable[] = [];
  const appended: DeviceEvent[][] = [];
  const scheduler = new DispatchScheduler({
    policy: deliveryPolicy({
      requestTimeoutMs: 1_000,
      retryInitialMs: 100,
      retryMaxMs: 400,
      offlineRecheckMs: 2_000,
      ...policy,
    }),
    clock,
    isDecommissioned: (id) => decommissioned.has(id),
    perform: (e) => {
      log.push(line(e));
      if (e.kind === "append") appended.push([...e.events]);
      if ("done" in e) unanswered.push(e);
    },
  });
  /** Takes the effect of this kind for this command that waits for its answer. */
  const pending = <K extends Answerable["kind"]>(kind: K, commandId: string) => {
    const i = unanswered.findIndex((e) => e.kind === kind && commandOf(e) === commandId);
    if (i < 0) throw new Error(`no ${kind} for ${commandId} awaits an answer; log: ${log}`);
    return unanswered.splice(i, 1)[0] as Extract<Answerable, { kind: K }>;
  };
  const h = {
    clock,
    scheduler,
    decommissioned,
    appended,
    /** The effects asked for since the last call, as lines. */
    flush(): string[] {
      const out = log;
      log = [];
      return out;
    },
    issue(deviceId: string, commandId: string, ttlMs = 60_000): void {
      const expiresAt = new Date(clock.now() + ttlMs).toISOString();
      scheduler.apply(
        createEvent(
          "command.issued",
          deviceId,
          { commandId, name: "set_power", expiresAt },
          { source: "operator" },
        ),
      );
    },
    cancelCheck(commandId: string, cancelled: boolean): void {
      pending("check-cancelled", commandId).done({ ok: true, value: cancelled });
    },
    cancelCheckFails(commandId: string): void {
      pending("check-cancelled", commandId).done({ ok: false, error: new Error("timeout") });
    },
    reply(commandId: string, result: DeliveryResult): void {
      pending("send", commandId).done({ ok: true, value: result });
    },
    append(commandId: string, results?: AppendResult[]): void {
      const e = pending("append", commandId);
      e.done(results ?? e.events.map(() => ok));
    },
    /** Cancellation check, request, appends: the whole happy path of one command. */
    deliver(commandId: string, result: DeliveryResult = completed): void {
      h.cancelCheck(commandId, false);
      h.reply(commandId, result);
      h.append(commandId);
    },
  };
  return h;
}

const row = (commandId: string, state: string, expiresAt: number): OpenCommandRow => ({
  commandId,
  deviceId: "d1",
  name: "set_power",
  params: {},
  state,
  attempts: state === "issued" ? 0 : 1,
  expiresAt: new Date(expiresAt).toISOString(),
});

describe("dispatch scheduler", () => {
  it("scheduler - one device's commands go out in issue order, one at a time, each after a cancellation check", () => {
    const h = setup();
    for (const id of ["c1", "c2", "c3"]) h.issue("d1", id);
    h.scheduler.goLive();
    expect(h.flush()).toEqual(["check-cancelled:c1"]);
    h.cancelCheck("c1", false);
    expect(h.flush()).toEqual(["send:c1#1"]);
    h.reply("c1", answered({ status: "completed", result: { on: true } }));
    expect(h.flush()).toEqual(["seen:d1", "append:c1:delivered,acknowledged,completed"]);
    h.append("c1");
    expect(h.flush()).toEqual(["closed:c1:completed", "check-cancelled:c2"]);
    h.deliver("c2");
    h.deliver("c3");
    expect(h.flush()).toEqual([
      "send:c2#1",
      "seen:d1",
      "append:c2:delivered,acknowledged,completed",
      "closed:c2:completed",
      "check-cancelled:c3",
      "send:c3#1",
      "seen:d1",
      "append:c3:delivered,acknowledged,completed",
      "closed:c3:completed",
    ]);
    expect(h.scheduler.openCount).toBe(0);
    expect(h.scheduler.inFlight).toBe(0);
  });

  it("scheduler - nothing goes out before going live; the snapshot's handed-over and closed commands are not sent", () => {
    const h = setup();
    h.scheduler.load([row("c1", "issued", T0 + 60_000), row("c2", "acknowledged", T0 + 60_000)]);
    h.issue("d1", "c3");
    h.scheduler.apply(createEvent("command.completed", "d1", { commandId: "c1" }));
    expect(h.flush()).toEqual(["closed:c1:completed"]);
    expect(h.scheduler.live).toBe(false);
    h.scheduler.goLive();
    expect(h.flush()).toEqual(["check-cancelled:c3"]);
    expect(h.scheduler.openCount).toBe(2);
  });

  it("scheduler - at most maxInFlight devices are served at once; a freed place goes to the longest waiting", () => {
    const h = setup({ maxInFlight: 2 });
    for (const d of ["d1", "d2", "d3", "d4"]) h.issue(d, `c-${d}`);
    h.scheduler.goLive();
    expect(h.flush()).toEqual(["check-cancelled:c-d1", "check-cancelled:c-d2"]);
    expect(h.scheduler.inFlight).toBe(2);
    h.cancelCheck("c-d2", false);
    h.reply("c-d2", completed);
    expect(h.flush()).toEqual([
      "send:c-d2#1",
      "seen:d2",
      "append:c-d2:delivered,acknowledged,completed",
    ]);
    h.append("c-d2");
    expect(h.flush()).toEqual(["closed:c-d2:completed", "check-cancelled:c-d3"]);
    h.cancelCheck("c-d1", true);
    expect(h.flush()).toEqual(["closed:c-d1:cancelled", "check-cancelled:c-d4"]);
    expect(h.scheduler.inFlight).toBe(2);
  });

  it("scheduler - a device that does not answer is retried with exponential backoff up to the longest wait", () => {
    const h = setup({ retryInitialMs: 100, retryMaxMs: 400 });
    h.issue("d1", "c1");
    h.scheduler.goLive();
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      h.cancelCheck("c1", false);
      h.reply("c1", { kind: "no-answer", reason: "timeout" });
      expect(h.flush()).toEqual(
        ["check-cancelled:c1", `send:c1#${attempt}`].slice(attempt > 1 ? 1 : 0),
      );
      let waited = 0;
      while (!h.flush().includes("check-cancelled:c1")) {
        h.clock.advance(10);
        waited += 10;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([100, 200, 400, 400, 400]);
    // An answer resets the backoff: the next command that meets silence waits the first wait.
    h.issue("d1", "c2");
    h.cancelCheck("c1", false);
    h.reply("c1", completed);
    h.append("c1");
    h.cancelCheck("c2", false);
    h.reply("c2", { kind: "no-answer", reason: "timeout" });
    h.flush();
    h.clock.advance(99);
    expect(h.flush()).toEqual([]);
    h.clock.advance(1);
    expect(h.flush()).toEqual(["check-cancelled:c2"]);
  });

  it("scheduler - a device with no subscriber waits until it is seen, or until the recheck", () => {
    const h = setup({ offlineRecheckMs: 2_000 });
    h.issue("d1", "c1");
    h.scheduler.goLive();
    h.cancelCheck("c1", false);
    h.reply("c1", { kind: "offline" });
    expect(h.flush()).toEqual(["check-cancelled:c1", "send:c1#1", "watch:d1"]);
    h.clock.advance(1_999);
    h.scheduler.deviceSeen("d2");
    expect(h.flush()).toEqual([]);
    h.scheduler.deviceSeen("d1");
    expect(h.flush()).toEqual(["unwatch:d1", "check-cancelled:c1"]);
    h.cancelCheck("c1", false);
    h.reply("c1", { kind: "offline" });
    expect(h.flush()).toEqual(["send:c1#2", "watch:d1"]);
    h.clock.advance(2_000);
    expect(h.flush()).toEqual(["unwatch:d1", "check-cancelled:c1"]);
  });

  it("scheduler - a command whose time to live passes is expired and never sent, handed over or not", () => {
    const h = setup();
    h.scheduler.load([row("c2", "delivered", T0 + 500)]);
    h.issue("d1", "c1", 1_000);
    h.scheduler.goLive();
    h.cancelCheck("c1", false);
    h.reply("c1", { kind: "offline" });
    h.flush();
    h.clock.advance(500);
    expect(h.flush()).toEqual(["append:c2:expired"]);
    h.append("c2");
    h.clock.advance(500);
    expect(h.flush()).toEqual(["closed:c2:expired", "append:c1:expired"]);
    h.append("c1");
    h.scheduler.deviceSeen("d1");
    expect(h.flush()).toEqual(["closed:c1:expired", "unwatch:d1"]);
    expect(h.appended.at(-1)?.[0]).toMatchObject({ id: "c1.expired", source: "hub" });
    expect(h.scheduler.openCount).toBe(0);
  });

  it("scheduler - going live expires what came due while catching up", () => {
    const h = setup();
    h.scheduler.load([row("c1", "acknowledged", T0 - 1)]);
    h.clock.advance(10_000);
    expect(h.flush()).toEqual([]);
    h.scheduler.goLive();
    expect(h.flush()).toEqual(["append:c1:expired"]);
  });

  it("scheduler - a cancelled command is never sent, and the lane goes on", () => {
    const h = setup();
    for (const id of ["c1", "c2", "c3"]) h.issue("d1", id);
    h.scheduler.goLive();
    h.cancelCheck("c1", true);
    expect(h.flush()).toEqual(["check-cancelled:c1", "closed:c1:cancelled", "check-cancelled:c2"]);
    // Cancelled in the log while it waits behind c2: skipped without a read.
    h.scheduler.apply(
      createEvent("command.cancelled", "d1", { commandId: "c3" }, { source: "operator" }),
    );
    h.deliver("c2");
    expect(h.flush()).toEqual([
      "closed:c3:cancelled",
      "send:c2#1",
      "seen:d1",
      "append:c2:delivered,acknowledged,completed",
      "closed:c2:completed",
    ]);
  });

  it("scheduler - a decommissioned device's open commands are cancelled by the hub, not sent", () => {
    const h = setup();
    h.decommissioned.add("d1");
    h.issue("d1", "c1");
    h.scheduler.goLive();
    expect(h.flush()).toEqual(["append:c1:cancelled"]);
    expect(h.appended[0]?.[0]).toMatchObject({
      id: "c1.cancelled",
      source: "hub",
      data: { commandId: "c1", reason: "device decommissioned" },
    });
    h.append("c1");
    expect(h.flush()).toEqual(["closed:c1:cancelled"]);
  });

  it("scheduler - a device's refusal is stored as delivered then failed, never acknowledged", () => {
    const h = setup();
    h.issue("d1", "c1");
    h.scheduler.goLive();
    const error = { message: "no handler", code: "UNKNOWN_COMMAND" };
    h.deliver("c1", answered({ status: "rejected", error }));
    expect(h.flush().slice(-2)).toEqual(["append:c1:delivered,failed", "closed:c1:failed"]);
    expect(h.appended[0]?.[1]).toMatchObject({ data: { commandId: "c1", error } });
  });

  it("scheduler - an accepted command is handed over; the device's own outcome closes it later", () => {
    const h = setup();
    h.issue("d1", "c1");
    h.issue("d1", "c2");
    h.scheduler.goLive();
    h.deliver("c1", answered({ status: "accepted" }));
    expect(h.flush().slice(-2)).toEqual(["append:c1:delivered,acknowledged", "check-cancelled:c2"]);
    h.scheduler.apply(createEvent("command.completed", "d1", { commandId: "c1" }));
    expect(h.flush()).toEqual(["closed:c1:completed"]);
  });

  it("scheduler - an outcome the stream refuses is replaced by OUTCOME_REFUSED", () => {
    const h = setup();
    h.issue("d1", "c1");
    h.scheduler.goLive();
    h.cancelCheck("c1", false);
    h.reply("c1", answered({ status: "completed", result: "x".repeat(10) }));
    const tooBig = new Error("maximum payload exceeded");
    h.append("c1", [ok, ok, { ok: false, error: tooBig, refused: true }]);
    expect(h.flush().slice(-1)).toEqual(["append:c1:failed"]);
    expect(h.appended.at(-1)?.[0]).toMatchObject({
      id: "c1.outcome.refused",
      data: {
        error: {
          code: "OUTCOME_REFUSED",
          message: "the outcome could not be stored: maximum payload exceeded",
        },
      },
    });
    h.append("c1");
    expect(h.flush()).toEqual(["closed:c1:failed"]);
  });

  it("scheduler - a partial failure backs the lane off; the device has the command, so it is not sent again", () => {
    const h = setup({ retryInitialMs: 100 });
    h.issue("d1", "c1");
    h.issue("d1", "c2");
    h.scheduler.goLive();
    h.cancelCheck("c1", false);
    h.reply("c1", completed);
    const down = { ok: false, error: new Error("disconnected"), refused: false } as const;
    h.append("c1", [ok, down, ok]);
    expect(h.flush().slice(-1)).toEqual(["failed:d1:recording the reply"]);
    h.clock.advance(99);
    expect(h.flush()).toEqual([]);
    h.clock.advance(1);
    expect(h.flush()).toEqual(["check-cancelled:c2"]);
    // The outcome lost to NATS (not refused) is retried the same way, not replaced.
    h.cancelCheck("c2", false);
    h.reply("c2", completed);
    h.append("c2", [ok, ok, down]);
    expect(h.flush().slice(-1)).toEqual(["failed:d1:recording the reply"]);
    expect(h.scheduler.openCount).toBe(2);
  });

  it("scheduler - a failed step backs the lane off and is tried again with the same attempt number", () => {
    const h = setup({ retryInitialMs: 100 });
    h.issue("d1", "c1");
    h.scheduler.goLive();
    h.cancelCheckFails("c1");
    expect(h.flush()).toEqual(["check-cancelled:c1", "failed:d1:the cancellation check"]);
    h.clock.advance(100);
    h.cancelCheck("c1", false);
    expect(h.flush()).toEqual(["check-cancelled:c1", "send:c1#1"]);
  });

  it("scheduler - after end nothing more happens: timers dropped, watches stopped, answers ignored", () => {
    const h = setup();
    h.issue("d1", "c1");
    h.issue("d2", "c2");
    h.scheduler.goLive();
    h.cancelCheck("c1", false);
    h.reply("c1", { kind: "offline" });
    h.cancelCheck("c2", false);
    h.flush();
    h.scheduler.end();
    expect(h.flush()).toEqual(["unwatch:d1"]);
    expect(h.clock.pending).toBe(0);
    h.reply("c2", completed);
    h.scheduler.deviceSeen("d1");
    h.clock.advance(120_000);
    expect(h.flush()).toEqual([]);
    expect(h.scheduler.live).toBe(false);
  });
});
