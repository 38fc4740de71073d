import type { CommandReply } from "@uaip/device-protocol";
import type { DeviceEvent } from "@uaip/events";
import type { Clock } from "./clock.ts";
import type { DeliveryPolicy } from "./delivery-policy.ts";
import { backOff, type Lane, laneHead, laneReady, newLane, park } from "./device-lane.ts";
import {
  type AppendResult,
  appendError,
  type DispatchEffect,
  type EffectResult,
} from "./dispatch-effects.ts";
import { hubCommandEvents } from "./hub-command-events.ts";
import { type OpenCommand, type OpenCommandRow, OpenCommands } from "./open-commands.ts";
import { replyEvents } from "./reply-events.ts";
import { replyVerdict } from "./reply-verdict.ts";

export interface DispatchSchedulerOptions {
  readonly policy: DeliveryPolicy;
  readonly clock: Clock;
  /** Whether the device was decommissioned: its open commands are then cancelled, not sent. */
  readonly isDecommissioned: (deviceId: string) => boolean;
  /** Carries out an effect (the I/O shell); answers come back through the effect's `done`. */
  readonly perform: (effect: DispatchEffect) => void;
}

/**
 * Decides what the dispatcher does, and when, with no I/O of its own: it folds the open
 * commands (snapshot, then stream) and asks its shell for effects whose answers come later;
 * time comes from an injected clock. Per device, commands go out in issue order, one step at
 * a time, at most `maxInFlight` across devices, each after a cancellation check (a
 * decommissioned device's are cancelled, expired ones expired instead). A device with no
 * subscriber is parked until seen (or `offlineRecheckMs`); silence or a failed step means
 * exponential backoff. At `expiresAt` an open command is expired, handed over or not.
 * Nothing happens before `goLive` (caught up with the stream) nor after `end`.
 *
 * @example
 * const s = new DispatchScheduler({ policy, clock: systemClock, isDecommissioned, perform });
 * s.load(snapshot.rows); s.apply(event); s.goLive();
 */
export class DispatchScheduler {
  readonly #o: DispatchSchedulerOptions;
  readonly #open = new OpenCommands();
  readonly #lanes = new Map<string, Lane>();
  readonly #expiry = new Map<string, () => void>();
  readonly #waiting = new Set<Lane>();
  #inFlight = 0;
  #live = false;
  #ended = false;

  constructor(o: DispatchSchedulerOptions) {
    this.#o = o;
  }

  /** Whether it has gone live (and not ended). */
  get live(): boolean {
    return this.#live && !this.#ended;
  }
  get openCount(): number {
    return this.#open.size;
  }
  /** Lanes with a delivery step under way. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Starts from the read model's open commands. */
  load(rows: Iterable<OpenCommandRow>): void {
    for (const c of this.#open.load(rows)) this.#track(c);
  }

  /** Folds one event of the commands stream (with the traceparent it was stored with). */
  apply(event: DeviceEvent, traceparent?: string): void {
    const change = this.#open.apply(event, traceparent);
    if (change.kind === "opened") this.#track(change.command);
    else if (change.kind === "closed") this.#closed(change.command, change.state);
  }

  /** Caught up with the stream: expire what is due, start delivering. */
  goLive(): void {
    if (this.#live || this.#ended) return;
    this.#live = true;
    const now = this.#o.clock.now();
    for (const c of [...this.#open.values()]) if (c.expiresAt <= now) this.#expire(c.commandId);
    for (const lane of [...this.#lanes.values()]) this.#kick(lane);
  }

  /** The device was seen (after a `watch` effect): a parked lane goes on. */
  deviceSeen(deviceId: string): void {
    const lane = this.#lanes.get(deviceId);
    if (lane) this.#unpark(lane);
  }

  /** Drops every timer and lane; answers still to come are ignored. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const cancel of this.#expiry.values()) cancel();
    this.#expiry.clear();
    for (const lane of this.#lanes.values()) {
      lane.backoff?.();
      lane.parked?.();
    }
    this.#lanes.clear();
    this.#waiting.clear();
  }

  #track(c: OpenCommand): void {
    const { clock } = this.#o;
    this.#expiry.get(c.commandId)?.();
    this.#expiry.set(
      c.commandId,
      clock.after(c.expiresAt - clock.now(), () => this.#expire(c.commandId)),
    );
    if (c.handedOver) return;
    const lane = this.#lanes.get(c.deviceId) ?? newLane(c.deviceId);
    this.#lanes.set(c.deviceId, lane);
    lane.queue.push(c.commandId);
    this.#kick(lane);
  }

  #closed(command: OpenCommand, state: string): void {
    const { commandId, name } = command;
    this.#expiry.get(commandId)?.();
    this.#expiry.delete(commandId);
    this.#o.perform({ kind: "closed", commandId, name, state });
  }

  /** Closes a command the dispatcher saw end before the log echoes it. */
  #finish(commandId: string, state: string): void {
    const change = this.#open.close(commandId, state);
    if (change.kind === "closed") this.#closed(change.command, state);
  }

  #kick(lane: Lane): void {
    if (!this.#live || this.#ended || !laneReady(lane)) return;
    const head = laneHead(lane, this.#open);
    if (head === undefined) {
      this.#lanes.delete(lane.deviceId);
      this.#waiting.delete(lane);
      return;
    }
    if (this.#inFlight >= this.#o.policy.maxInFlight) {
      this.#waiting.add(lane);
      return;
    }
    this.#waiting.delete(lane);
    lane.busy = true;
    this.#inFlight++;
    this.#begin(lane, this.#open.get(head)!);
  }

  /** A lane's step is over: its place goes to the longest waiting lane, then to it again. */
  #release(lane: Lane): void {
    lane.busy = false;
    this.#inFlight--;
    for (const next of this.#waiting) {
      if (this.#inFlight >= this.#o.policy.maxInFlight) break;
      this.#waiting.delete(next);
      this.#kick(next);
    }
    this.#kick(lane);
  }

  #begin(lane: Lane, c: OpenCommand): void {
    const decommissioned = this.#o.isDecommissioned(c.deviceId);
    if (decommissioned || c.expiresAt <= this.#o.clock.now())
      this.#endInLane(lane, c, decommissioned ? "cancelled" : "expired");
    else
      this.#o.perform({
        kind: "check-cancelled",
        command: c,
        done: this.#answer(lane, "the cancellation check", (cancelled) => {
          if (!cancelled) return this.#send(lane, c);
          this.#finish(c.commandId, "cancelled");
          this.#release(lane);
        }),
      });
  }

  #send(lane: Lane, c: OpenCommand): void {
    const attempt = c.attempts + 1;
    c.attempts = attempt;
    this.#o.perform({
      kind: "send",
      command: c,
      attempt,
      done: this.#answer(lane, "delivery", (result) => {
        if (result.kind === "offline") this.#park(lane);
        else if (result.kind === "no-answer") this.#backoff(lane);
        else {
          lane.backoffMs = 0;
          this.#o.perform({ kind: "seen", deviceId: c.deviceId });
          return this.#record(lane, c, attempt, result.reply);
        }
        this.#release(lane);
      }),
    });
  }

  /** Appends what the device's reply says, in order, then decides by what was stored. */
  #record(lane: Lane, c: OpenCommand, attempt: number, reply: CommandReply): void {
    const { commandId, deviceId } = c;
    const { progress, outcome } = replyEvents(deviceId, commandId, attempt, reply, this.#at());
    // Appended back to back on one connection, so stored in this order; one burst leaves
    // (almost) no instant at which a kill stores the delivery but not the outcome — and the
    // device publishes the outcome itself a little later, in case (the fold keeps the first).
    this.#append([...progress, ...(outcome ? [outcome] : [])], (results) => {
      // The device has it, whatever was stored: it is not sent again.
      c.handedOver = true;
      const verdict = replyVerdict(results, outcome);
      if (verdict.kind === "retry") return this.#fail(lane, "recording the reply", verdict.error);
      if (verdict.kind === "ended") this.#finish(commandId, verdict.state);
      if (verdict.kind !== "refused") return this.#release(lane);
      const why = verdict.error instanceof Error ? verdict.error.message : String(verdict.error);
      this.#appendInLane(
        lane,
        hubCommandEvents.outcomeRefused(deviceId, commandId, why, this.#at()),
        "failed",
      );
    });
  }

  /** Timer path: expire an open command (not tied to its lane, which may be mid-delivery). */
  #expire(commandId: string): void {
    const c = this.#open.get(commandId);
    if (!this.#live || this.#ended || !c) return; // going live expires what is due
    this.#append([hubCommandEvents.expired(c.deviceId, commandId, this.#at())], ([r]) => {
      if (r?.ok) return this.#finish(commandId, "expired");
      const error = appendError(r);
      this.#o.perform({ kind: "failed", deviceId: c.deviceId, what: "expiry", error });
    });
  }

  /** Lane path: end the head command of the dispatcher's own accord instead of sending it. */
  #endInLane(lane: Lane, c: OpenCommand, state: "expired" | "cancelled"): void {
    const at = this.#at();
    const event =
      state === "expired"
        ? hubCommandEvents.expired(c.deviceId, c.commandId, at)
        : hubCommandEvents.cancelled(c.deviceId, c.commandId, "device decommissioned", at);
    this.#appendInLane(lane, event, state);
  }

  /** Appends a final event of the hub's for the lane's head; once stored, it ended in `state`. */
  #appendInLane(lane: Lane, event: DeviceEvent, state: string): void {
    const { commandId } = event.data as { commandId: string };
    this.#append([event], ([r]) => {
      if (!r?.ok) return this.#fail(lane, `appending ${event.type}`, appendError(r));
      this.#finish(commandId, state);
      this.#release(lane);
    });
  }

  #append(events: readonly DeviceEvent[], then: (results: readonly AppendResult[]) => void): void {
    this.#o.perform({
      kind: "append",
      events,
      done: (results) => {
        if (!this.#ended) then(results);
      },
    });
  }

  /** Wraps a lane step's continuation: ignored once ended; a failure backs the lane off. */
  #answer<T>(lane: Lane, what: string, then: (value: T) => void): (r: EffectResult<T>) => void {
    return (r) => {
      if (this.#ended) return;
      if (r.ok) then(r.value);
      else this.#fail(lane, what, r.error);
    };
  }

  #fail(lane: Lane, what: string, error: unknown): void {
    this.#o.perform({ kind: "failed", deviceId: lane.deviceId, what, error });
    this.#backoff(lane);
    this.#release(lane);
  }

  #park(lane: Lane): void {
    const { deviceId } = lane;
    this.#o.perform({ kind: "watch", deviceId });
    const unwatch = () => this.#o.perform({ kind: "unwatch", deviceId });
    park(lane, this.#o.policy.offlineRecheckMs, this.#o.clock, unwatch, () => this.#kick(lane));
  }

  #unpark(lane: Lane): void {
    if (!lane.parked || this.#ended) return;
    lane.parked();
    this.#kick(lane);
  }

  /** Silence, or a failed step: wait, then try the lane again. */
  #backoff(lane: Lane): void {
    backOff(lane, this.#o.policy, this.#o.clock, () => this.#kick(lane));
  }

  #at(): Date {
    return new Date(this.#o.clock.now());
  }
}
