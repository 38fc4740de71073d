import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  appendEvent,
  type CommandReply,
  commandEventId,
  jetStreamErrorCode,
} from "@uaip/device-protocol";
import {
  createEvent,
  type DeviceEvent,
  decodeEvent,
  type Subjects,
  streamName,
  subjects,
} from "@uaip/events";
import type { Db, Logger } from "@uaip/platform";
import { deliverCommand } from "./command-delivery.ts";
import { commandsEnded, deliveryAttempts, openCommandsGauge } from "./dispatcher-metrics.ts";
import { type OpenCommand, OpenCommands } from "./open-commands.ts";
import { loadOpenCommands } from "./open-commands-snapshot.ts";
import type { PresenceTracker } from "./presence-tracker.ts";
import { replyEvents } from "./reply-events.ts";

/** How the dispatcher delivers; every field has a default in CommandDispatcher. */
export interface DeliveryPolicy {
  /** How long a device has to answer a command request. */
  readonly requestTimeoutMs: number;
  /** First and longest wait before trying a device that did not answer again. */
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /** A device with no subscriber is tried again when seen, or at the latest after this. */
  readonly offlineRecheckMs: number;
  /** Most command requests awaiting an answer at once, across devices. */
  readonly maxInFlight: number;
}

export interface SessionDeps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly namespace: string;
  readonly presence: PresenceTracker;
  readonly logger: Logger;
}

/** One device's queue: its commands not yet handed over, oldest first, delivered one at a time. */
interface Lane {
  readonly deviceId: string;
  readonly queue: string[];
  busy: boolean;
  /** Waiting for the device to show up (stops watching when called). */
  parked?: () => void;
  timer?: NodeJS.Timeout;
  backoffMs: number;
}

/**
 * The dispatcher's work while it holds the lease. It starts from the commands read model
 * (open commands at the projection's checkpoint) and tails the commands stream from just
 * after it, so it knows every open command without replaying history; it acts only once it
 * has caught up with the stream as it was at the start.
 *
 * Per device, commands are delivered in issue order, one request at a time: before each,
 * the log is asked whether the command was cancelled (a cancellation stored before that
 * read is never delivered); a device with no subscriber waits until it is seen again; one
 * that does not answer is retried with exponential backoff; at `expiresAt` an open command
 * is expired. What the device answers is appended in order: delivered, acknowledged, and the
 * outcome if the reply carries it.
 */
export class DispatchSession {
  readonly #d: SessionDeps;
  readonly #p: DeliveryPolicy;
  readonly #s: Subjects;
  readonly #stream: string;
  readonly #open = new OpenCommands();
  readonly #lanes = new Map<string, Lane>();
  readonly #expiry = new Map<string, NodeJS.Timeout>();
  readonly #waiting = new Set<Lane>();
  #inFlight = 0;
  #live = false;
  #ended = false;
  #messages?: ConsumerMessages;

  constructor(deps: SessionDeps, policy: DeliveryPolicy) {
    this.#d = deps;
    this.#p = policy;
    this.#s = subjects(deps.namespace);
    this.#stream = streamName(deps.namespace, "commands");
  }

  get live(): boolean {
    return this.#live;
  }
  get openCount(): number {
    return this.#open.size;
  }

  /** Runs until end() (or an error, which the caller handles by starting a new session). */
  async run(): Promise<void> {
    const snapshot = await loadOpenCommands(this.#d.db);
    for (const c of this.#open.load(snapshot.rows)) this.#track(c);
    const last = (await this.#d.jsm.streams.info(this.#stream)).state.last_seq;
    const consumer = await this.#d.js.consumers.get(
      this.#stream,
      snapshot.position > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: snapshot.position + 1 }
        : { deliver_policy: DeliverPolicy.All },
    );
    if (this.#ended) return;
    this.#messages = await consumer.consume({ max_messages: 1_000 });
    this.#d.logger.info(
      { position: snapshot.position, open: this.#open.size, last },
      "dispatcher started from the commands read model",
    );
    if (snapshot.position >= last) this.#goLive();
    for await (const m of this.#messages) {
      if (this.#ended) break;
      const decoded = decodeEvent(
        {
          stream: this.#stream,
          seq: m.seq,
          subject: m.subject,
          data: m.data,
          storedAt: new Date(m.info.timestampNanos / 1e6),
          header: (name) => m.headers?.get(name),
        },
        this.#s,
      );
      if (decoded.ok) this.#onEvent(decoded.value.event);
      if (!this.#live && m.seq >= last) this.#goLive();
    }
  }

  /** Stops consuming and drops every timer; requests in flight finish on their own. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    void this.#messages?.close().catch(() => {});
    for (const t of this.#expiry.values()) clearTimeout(t);
    for (const lane of this.#lanes.values()) {
      clearTimeout(lane.timer);
      lane.parked?.();
    }
    this.#lanes.clear();
    this.#waiting.clear();
  }

  #onEvent(event: DeviceEvent): void {
    const change = this.#open.apply(event);
    if (change.kind === "opened") this.#track(change.command);
    else if (change.kind === "closed") this.#closed(change.command.commandId, change.state);
    openCommandsGauge.set(this.#open.size);
  }

  #track(c: OpenCommand): void {
    const ms = Math.min(Math.max(0, c.expiresAt - Date.now()), 2 ** 31 - 1);
    this.#expiry.set(
      c.commandId,
      setTimeout(() => void this.#expire(c.commandId), ms),
    );
    if (c.handedOver) return;
    let lane = this.#lanes.get(c.deviceId);
    if (!lane) {
      lane = { deviceId: c.deviceId, queue: [], busy: false, backoffMs: 0 };
      this.#lanes.set(c.deviceId, lane);
    }
    lane.queue.push(c.commandId);
    this.#kick(lane);
  }

  #closed(commandId: string, state: string): void {
    clearTimeout(this.#expiry.get(commandId));
    this.#expiry.delete(commandId);
    commandsEnded.inc({ state });
  }

  #goLive(): void {
    if (this.#live) return;
    this.#live = true;
    this.#d.logger.info({ open: this.#open.size }, "dispatcher caught up; delivering");
    const now = Date.now();
    for (const c of [...this.#open.values()])
      if (c.expiresAt <= now) void this.#expire(c.commandId);
    for (const lane of [...this.#lanes.values()]) this.#kick(lane);
  }

  #kick(lane: Lane): void {
    if (!this.#live || this.#ended || lane.busy || lane.parked || lane.timer) return;
    while (lane.queue.length > 0) {
      const c = this.#open.get(lane.queue[0]!);
      if (c && !c.handedOver) break;
      lane.queue.shift();
    }
    if (lane.queue.length === 0) {
      this.#lanes.delete(lane.deviceId);
      return;
    }
    if (this.#inFlight >= this.#p.maxInFlight) {
      this.#waiting.add(lane);
      return;
    }
    lane.busy = true;
    this.#inFlight++;
    void this.#deliverHead(lane)
      .catch((err) => {
        this.#d.logger.warn(
          { deviceId: lane.deviceId, err: (err as Error).message },
          "delivery failed",
        );
        this.#backoff(lane);
      })
      .finally(() => {
        lane.busy = false;
        this.#inFlight--;
        const next = this.#waiting.values().next().value as Lane | undefined;
        if (next) {
          this.#waiting.delete(next);
          this.#kick(next);
        }
        this.#kick(lane);
      });
  }

  async #deliverHead(lane: Lane): Promise<void> {
    const c = this.#open.get(lane.queue[0]!)!;
    if (this.#d.presence.isDecommissioned(c.deviceId)) {
      await this.#end(c, "cancelled", { reason: "device decommissioned" });
      return;
    }
    if (c.expiresAt <= Date.now()) {
      await this.#expire(c.commandId);
      return;
    }
    // Read from the stream's leader right before sending: a cancellation stored before this
    // read is never delivered. (One stored after it lands after the delivery in the log.)
    // Only the hub cancels (an operator's `.operator`, the dispatcher's own `.hub`).
    const cancelled = await this.#d.jsm.streams.getMessage(this.#stream, {
      last_by_subj: `${this.#s.command(c.deviceId, c.commandId, "cancelled")}.*`,
    });
    if (cancelled) {
      this.#finish(c.commandId, "cancelled");
      return;
    }
    const attempt = c.attempts + 1;
    c.attempts = attempt;
    const result = await deliverCommand(
      this.#d.nc,
      this.#d.namespace,
      c,
      attempt,
      this.#p.requestTimeoutMs,
    );
    deliveryAttempts.inc({
      result: result.kind === "answered" ? result.reply.status : result.kind,
    });
    if (this.#ended) return;
    if (result.kind === "offline") {
      this.#park(lane);
      return;
    }
    if (result.kind === "no-answer") {
      this.#backoff(lane);
      return;
    }
    this.#d.presence.markSeen(c.deviceId);
    lane.backoffMs = 0;
    await this.#record(c, attempt, result.reply);
  }

  /** Appends what the device's reply says, in order, then updates the open set. */
  async #record(c: OpenCommand, attempt: number, reply: CommandReply): Promise<void> {
    const { commandId, deviceId } = c;
    const { progress, outcome } = replyEvents(deviceId, commandId, attempt, reply);
    // Published back to back on one connection, so stored in this order; one burst leaves
    // (almost) no instant at which a kill stores the delivery but not the outcome — and the
    // device publishes the outcome itself a little later, in case (the fold keeps the first).
    const appends = [...progress, ...(outcome ? [outcome] : [])].map((e) => this.#append(e));
    const results = await Promise.allSettled(appends);
    c.handedOver = true;
    const failed = results.find((r) => r.status === "rejected") as
      | PromiseRejectedResult
      | undefined;
    if (failed && (!outcome || results.at(-1)?.status !== "rejected")) throw failed.reason;
    if (!outcome) return;
    if (failed) {
      if (jetStreamErrorCode(failed.reason) === undefined) throw failed.reason;
      // The stream refused the outcome (a result past the message size limit).
      await this.#append(
        createEvent(
          "command.failed",
          deviceId,
          {
            commandId,
            error: {
              message: `the outcome could not be stored: ${(failed.reason as Error).message}`,
              code: "OUTCOME_REFUSED",
            },
          },
          { source: "hub", id: `${commandEventId.outcome(commandId)}.refused` },
        ),
      );
    }
    this.#finish(commandId, outcome.type.slice("command.".length));
  }

  async #expire(commandId: string): Promise<void> {
    if (!this.#live || this.#ended) return; // going live expires what is due
    const c = this.#open.get(commandId);
    if (c) await this.#end(c, "expired");
  }

  /** Appends a final event of the dispatcher's own (expired, or cancelled for a decommissioned device). */
  async #end(
    c: OpenCommand,
    state: "expired" | "cancelled",
    extra: { reason?: string } = {},
  ): Promise<void> {
    const id =
      state === "expired"
        ? commandEventId.expired(c.commandId)
        : commandEventId.cancelled(c.commandId);
    const event =
      state === "expired"
        ? createEvent(
            "command.expired",
            c.deviceId,
            { commandId: c.commandId },
            { source: "hub", id },
          )
        : createEvent(
            "command.cancelled",
            c.deviceId,
            { commandId: c.commandId, ...extra },
            { source: "hub", id },
          );
    await this.#append(event);
    this.#finish(c.commandId, state);
  }

  /** Closes a command the dispatcher saw end before the log echoes it. */
  #finish(commandId: string, state: string): void {
    if (this.#open.close(commandId, state).kind === "closed") this.#closed(commandId, state);
    openCommandsGauge.set(this.#open.size);
  }

  /** Appends with retries while NATS is unreachable; a refusal by JetStream is thrown. */
  async #append(event: DeviceEvent): Promise<void> {
    for (let delay = 100; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await appendEvent({ nc: this.#d.nc, js: this.#d.js, subjects: this.#s }, event);
        return;
      } catch (err) {
        if (jetStreamErrorCode(err) !== undefined || this.#ended) throw err;
        this.#d.logger.warn(
          { err: (err as Error).message, event: event.id },
          "append failed; retrying",
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  #park(lane: Lane): void {
    const unpark = () => {
      stop();
      clearTimeout(recheck);
      lane.parked = undefined;
      this.#kick(lane);
    };
    const stop = this.#d.presence.watch(lane.deviceId, unpark);
    const recheck = setTimeout(unpark, this.#p.offlineRecheckMs);
    lane.parked = () => {
      stop();
      clearTimeout(recheck);
    };
  }

  #backoff(lane: Lane): void {
    lane.backoffMs = Math.min(
      Math.max(this.#p.retryInitialMs, lane.backoffMs * 2),
      this.#p.retryMaxMs,
    );
    clearTimeout(lane.timer);
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      this.#kick(lane);
    }, lane.backoffMs);
  }
}
