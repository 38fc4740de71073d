import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { decodeEvent, type RecordedEvent, streamName, subjects } from "@uaip/events";
import type { Db, Logger } from "@uaip/platform";
import type { Projection } from "@uaip/projections";
import { batches } from "./batches.ts";
import { advanceCheckpoint, ensureCheckpoint, readCheckpoint } from "./checkpoints.ts";
import { publishDeadLetters, type RejectedMessage, recordRejections } from "./dead-letters.ts";
import { isCheckpointConflict } from "./errors.ts";
import { batchDuration, messagesProcessed, projectionLag, rejectedEvents } from "./metrics.ts";

export interface ProjectorOptions {
  readonly projection: Projection;
  readonly namespace: string;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly batchWaitMs: number;
}

export type ProjectorState = "starting" | "running" | "retrying" | "stopping" | "stopped";

/** Durable consumer name of a projection (per stream, so per namespace already). */
export function consumerName(projection: string): string {
  return `projection-${projection}`;
}

/**
 * Runs one projection: consumes its stream through a durable pull consumer in batches,
 * applies each batch and moves the checkpoint in ONE transaction, commits, then acks the
 * batch's last message (AckAll). Events at or below the checkpoint are skipped, so a crash
 * anywhere between commit and ack changes nothing: exactly once.
 *
 * @example
 * await using projector = await Projector.start({ projection: devicesProjection, … });
 */
export class Projector implements AsyncDisposable {
  #state: ProjectorState = "starting";
  #position = 0;
  #messages?: ConsumerMessages;
  #stopRequested = false;
  #loop?: Promise<void>;
  readonly #stream: string;
  readonly #subjects;
  readonly #log: Logger;

  private constructor(private readonly opts: ProjectorOptions) {
    this.#stream = streamName(opts.namespace, opts.projection.stream);
    this.#subjects = subjects(opts.namespace);
    this.#log = opts.logger.child({ projection: opts.projection.name });
  }

  static async start(opts: ProjectorOptions): Promise<Projector> {
    const p = new Projector(opts);
    await p.#open();
    p.#loop = p.#run();
    return p;
  }

  get name(): string {
    return this.opts.projection.name;
  }
  get state(): ProjectorState {
    return this.#state;
  }
  /** Last stream sequence this worker committed. */
  get position(): number {
    return this.#position;
  }

  async #open(): Promise<void> {
    this.#position = await ensureCheckpoint(this.opts.db, this.name);
    await this.#positionConsumer();
    const consumer = await this.opts.js.consumers.get(this.#stream, consumerName(this.name));
    // The client pulls more only as we iterate, so at most twice a batch is buffered
    // however large the backlog.
    this.#messages = await consumer.consume({ max_messages: this.opts.batchSize * 2 });
    this.#state = "running";
    this.#log.info({ position: this.#position, stream: this.#stream }, "projector started");
  }

  /**
   * The checkpoint in PostgreSQL is the truth; the durable consumer is only a cursor. It is
   * (re)created to deliver from just after the checkpoint, so nothing is skipped and the
   * server never holds stale unacked state from a previous owner.
   */
  async #positionConsumer(): Promise<void> {
    const { jsm } = this.opts;
    const name = consumerName(this.name);
    try {
      await jsm.consumers.delete(this.#stream, name);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound))
        throw err;
    }
    await jsm.consumers.add(this.#stream, {
      durable_name: name,
      ack_policy: AckPolicy.All,
      ack_wait: nanos(30_000),
      max_ack_pending: this.opts.batchSize * 4,
      max_deliver: -1,
      ...(this.#position > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#position + 1 }
        : { deliver_policy: DeliverPolicy.All }),
    });
  }

  async #run(): Promise<void> {
    const messages = this.#messages;
    if (!messages) return;
    try {
      for await (const batch of batches(messages, this.opts.batchSize, this.opts.batchWaitMs)) {
        await this.#applyWithRetry(batch);
        // One ack per batch: AckAll acknowledges every message up to this one.
        batch[batch.length - 1]?.ack();
        if (this.#stopRequested) break;
      }
    } catch (err) {
      this.#log.error({ err }, "projector stopped on an error");
      throw err;
    } finally {
      this.#state = "stopped";
    }
  }

  async #applyWithRetry(batch: JsMsg[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#apply(batch);
        if (this.#state === "retrying") this.#state = "running";
        return;
      } catch (err) {
        if (isCheckpointConflict(err)) throw err;
        // PostgreSQL or NATS unavailable: keep the batch unacked and try again. Nothing is
        // lost (the log has it) and nothing is applied twice (the checkpoint did not move).
        this.#state = "retrying";
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        this.#log.warn({ err: (err as Error).message, attempt, delay }, "batch failed, retrying");
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  async #apply(batch: JsMsg[]): Promise<void> {
    const fresh = batch.filter((m) => m.seq > this.#position);
    if (fresh.length === 0) return;
    const started = performance.now();
    const events: RecordedEvent[] = [];
    const rejected: RejectedMessage[] = [];
    for (const m of fresh) {
      const raw = {
        stream: this.#stream,
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        storedAt: new Date(m.info.timestampNanos / 1e6),
        header: (name: string) => m.headers?.get(name),
      };
      const decoded = decodeEvent(raw, this.#subjects);
      if (decoded.ok) events.push(decoded.value);
      else rejected.push({ ...raw, rejection: decoded.rejection });
    }
    const from = this.#position;
    const to = fresh[fresh.length - 1]!.seq;
    await this.opts.db.transaction().execute(async (tx) => {
      if (events.length > 0) await this.opts.projection.apply(tx, events);
      await recordRejections(tx, this.name, rejected);
      await advanceCheckpoint(tx, this.name, from, to);
    });
    this.#position = to;
    if (rejected.length > 0) {
      await publishDeadLetters(this.opts.js, this.#subjects, this.name, rejected);
      for (const r of rejected) {
        rejectedEvents.inc({ projection: this.name, reason: r.rejection.reason });
        this.#log.warn(
          { seq: r.seq, subject: r.subject, reason: r.rejection.message },
          "event rejected",
        );
      }
    }
    messagesProcessed.inc({ projection: this.name }, fresh.length);
    const last = fresh[fresh.length - 1]!;
    projectionLag.set(
      { projection: this.name },
      Math.max(0, Date.now() - last.info.timestampNanos / 1e6) / 1000,
    );
    batchDuration.observe({ projection: this.name }, (performance.now() - started) / 1000);
  }

  /** Finishes the batch in hand, acks it, and stops consuming. */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#stopRequested = true;
    this.#state = "stopping";
    await this.#messages?.close();
    await this.#loop?.catch(() => {});
    this.#state = "stopped";
    this.#log.info({ position: this.#position }, "projector stopped");
  }

  /** Resolves when the loop ends (stop, or a fatal error which it rethrows). */
  done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Re-reads the committed checkpoint (for status reports). */
  async committedPosition(): Promise<number> {
    return readCheckpoint(this.opts.db, this.name);
  }
}
