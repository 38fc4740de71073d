import { connect, headers, type NatsConnection, nkeyAuthenticator } from "@nats-io/transport-node";
import { deviceSubjects, WrongLastSequence } from "@uaip/device-protocol";
import {
  createEvent,
  type DeviceEvent,
  type DeviceStatus,
  type EventInput,
  type Subjects,
  subjects,
} from "@uaip/events";
import { type CommandHandler, CommandInbox, type CommandOutcome } from "./command-inbox.ts";
import {
  type DeviceOptions,
  type ResolvedDeviceOptions,
  resolveDeviceOptions,
} from "./device-options.ts";
import { isPublishRejected } from "./errors.ts";
import { EventPublisher } from "./event-publisher.ts";
import type { BatchResult, OutgoingEvent, StoredAck } from "./publish-results.ts";
import { startPublishSpan } from "./publish-span.ts";

/** What `register` declares: the `device.registered` data. */
export type DeviceRegistration = EventInput<"device.registered">;

/** Counters of one client since it connected. */
export interface DeviceStats {
  /** Events held: unsent or unacknowledged. */
  readonly pending: number;
  /** Events acknowledged by JetStream (duplicates included). */
  readonly stored: number;
  /** Events dropped because the buffer was full while NATS was unreachable. */
  readonly dropped: number;
  readonly connected: boolean;
}

/**
 * Connects a device to the hub: opens NATS with the device's credentials and its own
 * inbox prefix, starts answering commands, heartbeats, and (by default) reports `online`.
 *
 * @example
 * await using device = await connectDevice({
 *   servers: "nats://127.0.0.1:4222",
 *   deviceId: "lamp-1",
 *   credentials: { nkeySeed: process.env.DEVICE_SEED! },
 * });
 * device.onCommand("set_power", async ({ on }) => ({ on }));
 * await device.register({ name: "Desk lamp", type: "smart-bulb", capabilities: ["set_power"] });
 * await device.reportTelemetry({ watts: 7.5 });
 */
export async function connectDevice(options: DeviceOptions): Promise<DeviceClient> {
  const o = resolveDeviceOptions(options);
  const s = deviceSubjects(o.namespace, o.deviceId);
  const auth =
    o.credentials === undefined
      ? {}
      : "nkeySeed" in o.credentials
        ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(o.credentials.nkeySeed)) }
        : { user: o.credentials.user, pass: o.credentials.pass };
  const nc = await connect({
    ...o.connection,
    servers: typeof o.servers === "string" ? o.servers : [...o.servers],
    name: `device:${o.deviceId}`,
    inboxPrefix: s.replyPrefix,
    noAsyncTraces: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: o.connection?.reconnectTimeWait ?? 500,
    ...auth,
  });
  const client = new DeviceClient(nc, o);
  await client.start();
  return client;
}

/**
 * One connected device. Every event goes through JetStream with its id as `Nats-Msg-Id`,
 * in order, buffered while NATS is unreachable (see EventPublisher). Close it (or
 * `await using` it) to report `offline`, flush what is buffered and disconnect.
 */
export class DeviceClient implements AsyncDisposable {
  readonly deviceId: string;
  readonly namespace: string;
  readonly #nc: NatsConnection;
  readonly #o: ResolvedDeviceOptions;
  readonly #subjects: Subjects;
  readonly #publisher: EventPublisher;
  readonly #inbox: CommandInbox;
  #heartbeat?: NodeJS.Timeout;
  #closed = false;

  /** Use connectDevice. */
  constructor(nc: NatsConnection, o: ResolvedDeviceOptions) {
    this.#nc = nc;
    this.#o = o;
    this.deviceId = o.deviceId;
    this.namespace = o.namespace;
    this.#subjects = subjects(o.namespace);
    this.#publisher = new EventPublisher(nc, {
      replyPrefix: deviceSubjects(o.namespace, o.deviceId).replyPrefix,
      window: o.window,
      bufferLimit: o.bufferLimit,
      ackTimeoutMs: o.ackTimeoutMs,
    });
    this.#inbox = new CommandInbox(nc, {
      namespace: o.namespace,
      deviceId: o.deviceId,
      inlineResultMs: o.inlineResultMs,
      seenLimit: o.seenCommands,
      outcomeSafetyMs: o.outcomeSafetyMs,
      publishOutcome: (commandId, outcome) => this.#publishOutcome(commandId, outcome),
    });
  }

  /** @internal Called once by connectDevice. */
  async start(): Promise<void> {
    // The inbox subscription must be on the server before the device says it is online:
    // that is when the dispatcher tries its waiting commands.
    await this.#nc.flush();
    if (this.#o.heartbeatMs > 0) {
      const subject = deviceSubjects(this.namespace, this.deviceId).heartbeat;
      this.#heartbeat = setInterval(() => {
        if (this.#publisher.connected) this.#nc.publish(subject);
      }, this.#o.heartbeatMs);
      this.#heartbeat.unref();
    }
    if (this.#o.announcePresence) {
      void this.reportStatus("online", "connected").catch(() => {});
      void this.#announceReconnects();
    }
  }

  /**
   * Declares the device. The first registration stores `device.registered` (expecting the
   * device's registered subject to be empty, so it happens once); later calls — every boot —
   * store `device.updated` with the declared fields instead (the type cannot change).
   */
  async register(info: DeviceRegistration): Promise<{ created: boolean; seq: number }> {
    const event = createEvent("device.registered", this.deviceId, info);
    try {
      const ack = await this.#publisher.publish(this.#outgoing(event, 0));
      return { created: true, seq: ack.seq };
    } catch (err) {
      if (!isPublishRejected(err, WrongLastSequence)) throw err;
      const { type: _type, ...fields } = info;
      const update = createEvent("device.updated", this.deviceId, fields);
      const ack = await this.#publisher.publish(this.#outgoing(update));
      return { created: false, seq: ack.seq };
    }
  }

  /** Reports the device's status (online, offline, error, maintenance) with an optional reason. */
  reportStatus(status: DeviceStatus, reason?: string): Promise<StoredAck> {
    return this.publish(
      createEvent("device.status_changed", this.deviceId, {
        status,
        ...(reason !== undefined ? { reason } : {}),
      }),
    );
  }

  /** Reports named numeric readings, e.g. `{ temperature: 21.5, humidity: 40 }`. */
  reportTelemetry(metrics: Record<string, number>, at?: Date): Promise<StoredAck> {
    return this.publish(
      createEvent("telemetry.reported", this.deviceId, { metrics }, at ? { occurredAt: at } : {}),
    );
  }

  /** Stores any event of this device built with createEvent. */
  publish(event: DeviceEvent): Promise<StoredAck> {
    return this.#publisher.publish(this.#outgoing(event));
  }

  /**
   * The fast path for many events (a backlog, a gateway's batch, a simulator): keeps the
   * window full, matches acks itself, waits for buffer room instead of dropping, and
   * resolves with counts once every event is stored or refused.
   */
  publishBatch(events: Iterable<DeviceEvent>): Promise<BatchResult> {
    const outgoing = (function* (self: DeviceClient) {
      for (const e of events) yield self.#outgoing(e);
    })(this);
    return this.#publisher.publishMany(outgoing);
  }

  /** Handles a command by name; see CommandHandler. Returns a function that removes it. */
  onCommand(name: string, handler: CommandHandler): () => void {
    return this.#inbox.on(name, handler);
  }

  /** Resolves once every event so far is stored; rejects with FlushTimeoutError after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<void> {
    return this.#publisher.flush(timeoutMs);
  }

  get stats(): DeviceStats {
    return {
      pending: this.#publisher.pending,
      stored: this.#publisher.stored,
      dropped: this.#publisher.dropped,
      connected: this.#publisher.connected,
    };
  }

  /**
   * Stops taking commands, lets running handlers finish and reports offline (if announcing),
   * flushes what is buffered — each step within `timeoutMs` — and disconnects.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#inbox.close();
    await Promise.race([this.#inbox.settle(), new Promise((r) => setTimeout(r, timeoutMs))]);
    if (this.#o.announcePresence && this.#publisher.connected) {
      void this.reportStatus("offline", "shutdown").catch(() => {});
    }
    await this.#publisher.flush(timeoutMs).catch(() => {});
    this.#publisher.close();
    await this.#nc.close();
  }

  /** Drops the connection at once, as a crash would: nothing is flushed or reported. */
  async kill(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#publisher.close();
    await this.#nc.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #outgoing(event: DeviceEvent, expectLastSubjectSequence?: number): OutgoingEvent {
    const h = headers();
    h.set("Nats-Msg-Id", event.id);
    if (expectLastSubjectSequence !== undefined) {
      h.set("Nats-Expected-Last-Subject-Sequence", String(expectLastSubjectSequence));
    }
    // Always the device's own subject: a device cannot append as the hub (its permissions do
    // not allow the hub's subjects, and the decoder refuses a body claiming otherwise).
    const subject = this.#subjects.forEvent({ ...event, source: "device" });
    const span = startPublishSpan(subject, event, h);
    return { subject, body: JSON.stringify(event), headers: h, ...(span ? { span } : {}) };
  }

  #publishOutcome(commandId: string, outcome: CommandOutcome): void {
    // An id of its own (random, so no other device can guess and pre-empt it); the hub's copy
    // of the same outcome, if any, is stored too, and the commands fold keeps the first.
    const event =
      outcome.status === "completed"
        ? createEvent("command.completed", this.deviceId, {
            commandId,
            ...(outcome.result !== undefined ? { result: outcome.result } : {}),
          })
        : createEvent("command.failed", this.deviceId, { commandId, error: outcome.error });
    void this.publish(event).catch(() => {});
  }

  async #announceReconnects(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (this.#closed) return;
      if (s.type === "reconnect") void this.reportStatus("online", "reconnected").catch(() => {});
    }
  }
}
