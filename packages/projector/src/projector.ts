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
import type { Logger } from "@uaip/platform";
import {
  isCheckpointConflict,
  type ProjectionTarget,
  type RejectedMessage,
} from "@uaip/projections";
import { batches } from "./batches.ts";
import { publishDeadLetters } from "./dead-letters.ts";
import { isTransient } from "./errors.ts";
import { acquireLease, type LeaseOptions, releaseLease } from "./lease.ts";
import { batchDuration, messagesProcessed, projectionLag, rejectedEvents } from "./metrics.ts";
import { startingPoint } from "./starting-point.ts";
import type { CheckpointFault } from "./stream-identity.ts";

export interface ProjectorOptions {
  readonly target: ProjectionTarget;
  readonly namespace: string;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  /** With a lease, several workers may run the same projection; one applies at a time. */
  readonly lease?: LeaseOptions;
  /**
   * `live` reads through the projection's durable consumer, acks, and publishes dead
   * letters. `shadow` (rebuild, verify) reads with an ordered consumer and does neither.
   */
  readonly mode?: "live" | "shadow";
  /**
   * Publish rejected events to the dead-letter stream (live mode only). Off for a target
   * whose stream another projection already dead-letters, so each bad event is reported once
   * per store that records it.
   */
  readonly deadLetters?: boolean;
  /** Stop once this stream sequence is applied (shadow builds). */
  readonly stopAt?: number;
  /** Called after each committed batch, e.g. for a progress bar. */
  readonly onBatch?: (position: number, applied: number) => void;
}

export type ProjectorState =
  | "starting"
  | "standby"
  | "running"
  | "retrying"
  /** The checkpoint does not belong to this stream (see `fault`): nothing is applied. */
  | "halted"
  | "stopping"
  | "stopped";

/** How often a running worker checks that its checkpoint was not moved by someone else. */
const CHECKPOINT_CHECK_MS = 2_000;
/** How often a halted worker looks again (a rebuild may have fixed the checkpoint). */
const HALTED_RECHECK_MS = 5_000;

/** Durable consumer name of a projection (per stream, so per namespace already). */
export function consumerName(projection: string): string {
  return `projection-${projection}`;
}

/**
 * Closes a consumer's message iterator. nats.js finishes `close()` only when the iterator
 * is pulled once more, which never happens if the batcher left a read pending: bound it.
 */
async function closeWithin(messages: ConsumerMessages, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    messages.close().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Another process pulled from this worker's consumer: stop and start over from the checkpoint. */
class ConsumerTakenError extends Error {
  override readonly name = "ConsumerTakenError";
}

/**
 * Runs one projection: consumes its stream in batches, hands each batch to the target,
 * which applies it and moves the checkpoint atomically, then acks the batch's last message
 * (AckAll: one ack per batch). Events at or below the checkpoint are skipped, so a crash
 * anywhere between commit and ack applies nothing twice.
 *
 * An event the fold or the store rejects is isolated by splitting the batch, recorded as a
 * dead letter, and skipped; a store that is down makes the batch wait and retry, unacked.
 *
 * @example
 * await using projector = await Projector.start({ target: postgresTarget(db, devicesProjection), … });
 */
export class Projector implements AsyncDisposable {
  #state: ProjectorState = "starting";
  #position = 0;
  #streamId?: string;
  #fault?: CheckpointFault;
  #applying = false;
  #messages?: ConsumerMessages;
  #stopRequested = false;
  readonly #abort = new AbortController();
  #wake?: () => void;
  #loop?: Promise<void>;
  readonly #stream: string;
  readonly #subjects;
  readonly #log: Logger;
  readonly #live: boolean;

  private constructor(private readonly opts: ProjectorOptions) {
    this.#stream = streamName(opts.namespace, opts.target.stream);
    this.#subjects = subjects(opts.namespace);
    this.#log = opts.logger.child({ projection: opts.target.name });
    this.#live = (opts.mode ?? "live") === "live";
  }

  /** Starts the worker loop; it runs until stop() (or until `stopAt` is reached). */
  static start(opts: ProjectorOptions): Projector {
    const p = new Projector(opts);
    p.#loop = p.#supervise();
    return p;
  }

  get name(): string {
    return this.opts.target.name;
  }
  get state(): ProjectorState {
    return this.#state;
  }
  /** Last stream sequence this worker committed (or found committed). */
  get position(): number {
    return this.#position;
  }
  /** Why the worker is halted: its checkpoint belongs to another stream instance. */
  get fault(): CheckpointFault | undefined {
    return this.#fault;
  }

  async #supervise(): Promise<void> {
    const { lease } = this.opts;
    try {
      while (!this.#stopRequested && !this.#reachedStop()) {
        if (lease && !(await this.#tryLease(lease))) {
          this.#state = "standby";
          await this.#sleep(lease.ttlMs / 3);
          continue;
        }
        try {
          if (!(await this.#consume())) await this.#sleep(HALTED_RECHECK_MS);
        } catch (err) {
          if (isCheckpointConflict(err) || err instanceof ConsumerTakenError) {
            this.#log.info(
              { reason: (err as Error).message },
              "another worker moved on; starting over from the checkpoint",
            );
          } else if (isTransient(err)) {
            this.#state = "retrying";
            this.#log.warn({ err: (err as Error).message }, "store or NATS unavailable; retrying");
            await this.#sleep(1_000);
          } else {
            throw err;
          }
        }
      }
    } catch (err) {
      this.#log.error({ err }, "projector stopped on an error");
      throw err;
    } finally {
      if (lease) await releaseLease(lease, this.name).catch(() => {});
      this.#state = "stopped";
    }
  }

  async #tryLease(lease: LeaseOptions): Promise<boolean> {
    try {
      return await acquireLease(lease, this.name);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, "cannot reach PostgreSQL for the lease");
      return false;
    }
  }

  #reachedStop(): boolean {
    return this.opts.stopAt !== undefined && this.#position >= this.opts.stopAt;
  }

  /**
   * One stretch of consuming, from the committed checkpoint until stopped, taken over or
   * done. False when the checkpoint cannot be used on this stream (the worker is halted).
   */
  async #consume(): Promise<boolean> {
    const start = await startingPoint({
      target: this.opts.target,
      jsm: this.opts.jsm,
      stream: this.#stream,
      logger: this.#log,
      live: this.#live,
      ...(this.opts.lease ? { db: this.opts.lease.db } : {}),
    });
    if (!start.ok) {
      if (this.#fault?.message !== start.fault.message)
        this.#log.error({ reason: start.fault.reason }, start.fault.message);
      this.#fault = start.fault;
      this.#state = "halted";
      return false;
    }
    this.#fault = undefined;
    this.#streamId = start.streamId;
    this.#position = start.position;
    if (start.expired) await this.#skipExpired(start.expired);
    if (this.#reachedStop()) return true;
    const messages = await this.#open();
    this.#messages = messages;
    this.#state = "running";
    this.#log.info({ position: this.#position, stream: this.#stream }, "projector consuming");
    const renew = this.opts.lease ? this.#renewEvery(this.opts.lease, messages) : undefined;
    const watch = this.#live ? this.#watchCheckpoint(messages) : undefined;
    let lastDelivery = 0;
    try {
      for await (const batch of batches(
        messages,
        this.opts.batchSize,
        this.opts.batchWaitMs,
        this.#abort.signal,
      )) {
        if (this.#live) {
          // The consumer is ours alone: a gap in delivery sequences means another process
          // pulled from it, so its messages could be missing from our batches.
          for (const m of batch) {
            if (m.info.deliverySequence !== lastDelivery + 1)
              throw new ConsumerTakenError(
                `delivery ${m.info.deliverySequence} after ${lastDelivery}`,
              );
            lastDelivery = m.info.deliverySequence;
          }
        }
        await this.#applyWithRetry(batch);
        if (this.#live) batch[batch.length - 1]?.ack();
        if (this.#stopRequested || this.#reachedStop()) break;
      }
    } finally {
      clearInterval(renew);
      clearInterval(watch);
      this.#messages = undefined;
      await closeWithin(messages, 250);
    }
    return true;
  }

  /**
   * Moves the checkpoint over sequences the stream no longer holds: its retention removed
   * them before this projection applied them. Nothing can bring them back; say how many.
   */
  async #skipExpired(gap: { from: number; to: number }): Promise<void> {
    if (this.#live)
      this.#log.warn(
        { from: gap.from + 1, to: gap.to, events: gap.to - gap.from },
        "the stream's retention removed events before this projection applied them; skipping them",
      );
    await this.opts.target.commit({
      events: [],
      rejected: [],
      from: gap.from,
      to: gap.to,
      ...this.#streamIdField(),
    });
    this.#position = gap.to;
  }

  /**
   * Starts over when the stored checkpoint moved under this worker: a rebuild swapped
   * tables in, or the store lost its data (Redis restarted empty). Checked while idle
   * too, so a cache that came back empty is refilled without waiting for a new event.
   */
  #watchCheckpoint(messages: ConsumerMessages): NodeJS.Timeout {
    return setInterval(() => {
      if (this.#applying) return;
      const expected = this.#position;
      this.opts.target.position().then(
        (stored) => {
          if (this.#applying || this.#position !== expected || stored === expected) return;
          this.#log.info(
            { expected, stored: stored ?? null },
            "the checkpoint moved outside this worker; starting over from it",
          );
          void messages.close();
        },
        // The store is unreachable: the next commit finds out and retries.
        () => {},
      );
    }, CHECKPOINT_CHECK_MS);
  }

  #renewEvery(lease: LeaseOptions, messages: ConsumerMessages): NodeJS.Timeout {
    return setInterval(() => {
      acquireLease(lease, this.name).then(
        (held) => {
          if (!held) {
            this.#log.warn("lease lost to another worker; standing by");
            void messages.close();
          }
        },
        // PostgreSQL unreachable: the next commit fails and retries; nothing to do here.
        () => {},
      );
    }, lease.ttlMs / 3);
  }

  /**
   * Live: the checkpoint is the truth and the durable consumer only a cursor, so it is
   * recreated to deliver from just after the checkpoint whenever this worker (re)starts.
   * Shadow: an ordered consumer, invisible to the live one.
   */
  async #open(): Promise<ConsumerMessages> {
    const start =
      this.#position > 0
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#position + 1 }
        : { deliver_policy: DeliverPolicy.All };
    const max_messages = this.opts.batchSize * 2;
    if (!this.#live) {
      const ordered = await this.opts.js.consumers.get(this.#stream, start);
      return ordered.consume({ max_messages });
    }
    const { jsm, js } = this.opts;
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
      ...start,
    });
    const consumer = await js.consumers.get(this.#stream, name);
    // The client pulls more only as we iterate, so at most two batches are buffered however
    // long the backlog: memory stays flat.
    return consumer.consume({ max_messages, abort_on_missing_resource: true });
  }

  async #applyWithRetry(batch: JsMsg[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.#applying = true;
        await this.#apply(batch);
        this.#applying = false;
        if (this.#state === "retrying") this.#state = "running";
        return;
      } catch (err) {
        this.#applying = false;
        if (!isTransient(err) || this.#stopRequested) throw err;
        // A store is down: keep the batch unacked and try again. Nothing is lost (the log
        // has it) and nothing is applied twice (the checkpoint did not move).
        this.#state = "retrying";
        const delay = Math.min(100 * 2 ** attempt, 5_000);
        this.#log.warn({ err: (err as Error).message, attempt, delay }, "batch failed, retrying");
        await this.#sleep(delay);
      }
    }
  }

  async #apply(batch: JsMsg[]): Promise<void> {
    const stopAt = this.opts.stopAt ?? Number.POSITIVE_INFINITY;
    const fresh = batch.filter((m) => m.seq > this.#position && m.seq <= stopAt);
    if (fresh.length === 0) return;
    const started = performance.now();
    const events: RecordedEvent[] = [];
    const rejected: RejectedMessage[] = [];
    const raws = new Map<number, Omit<RejectedMessage, "rejection">>();
    for (const m of fresh) {
      const raw = {
        stream: this.#stream,
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        storedAt: new Date(m.info.timestampNanos / 1e6),
        header: (name: string) => m.headers?.get(name),
      };
      raws.set(m.seq, raw);
      const decoded = decodeEvent(raw, this.#subjects);
      if (decoded.ok) events.push(decoded.value);
      else rejected.push({ ...raw, rejection: decoded.rejection });
    }
    const to = fresh[fresh.length - 1]!.seq;
    const unfoldable = await this.#commitIsolating(events, rejected, this.#position, to, raws);
    this.#position = to;
    const allRejected = [...rejected, ...unfoldable];
    if (allRejected.length > 0) {
      if (this.#live && this.opts.deadLetters !== false) {
        await publishDeadLetters(this.opts.js, this.#subjects, this.name, allRejected);
      }
      for (const r of allRejected) {
        rejectedEvents.inc({ projection: this.name, reason: r.rejection.reason });
        if (this.#live)
          this.#log.warn(
            { seq: r.seq, subject: r.subject, reason: r.rejection.message },
            "event rejected",
          );
      }
    }
    messagesProcessed.inc({ projection: this.name }, fresh.length);
    projectionLag.set(
      { projection: this.name },
      Math.max(0, Date.now() - fresh[fresh.length - 1]!.info.timestampNanos / 1e6) / 1000,
    );
    batchDuration.observe({ projection: this.name }, (performance.now() - started) / 1000);
    this.opts.onBatch?.(to, fresh.length);
  }

  /**
   * Commits (from, to]. If the target refuses the batch for a reason that is not transient,
   * the batch is split in halves until the event at fault stands alone; that event becomes a
   * dead letter and the rest is applied. Returns the events rejected this way.
   */
  async #commitIsolating(
    events: readonly RecordedEvent[],
    rejected: readonly RejectedMessage[],
    from: number,
    to: number,
    raws: ReadonlyMap<number, Omit<RejectedMessage, "rejection">>,
  ): Promise<RejectedMessage[]> {
    try {
      await this.opts.target.commit({ events, rejected, from, to, ...this.#streamIdField() });
      return [];
    } catch (err) {
      if (isTransient(err) || isCheckpointConflict(err)) throw err;
      if (events.length === 1) {
        const e = events[0]!;
        const message = (err as Error).message || String(err);
        const poison: RejectedMessage = {
          ...raws.get(e.seq)!,
          rejection: {
            reason: "unfoldable",
            issues: [{ field: "(event)", rule: "fold", message }],
            message: `unfoldable: ${message}`,
          },
        };
        await this.opts.target.commit({
          events: [],
          rejected: [...rejected, poison],
          from,
          to,
          ...this.#streamIdField(),
        });
        return [poison];
      }
      if (events.length === 0) throw err;
      const mid = Math.ceil(events.length / 2);
      const left = events.slice(0, mid);
      const cut = left[left.length - 1]!.seq;
      const poisonLeft = await this.#commitIsolating(
        left,
        rejected.filter((r) => r.seq <= cut),
        from,
        cut,
        raws,
      );
      const poisonRight = await this.#commitIsolating(
        events.slice(mid),
        rejected.filter((r) => r.seq > cut),
        cut,
        to,
        raws,
      );
      return [...poisonLeft, ...poisonRight];
    }
  }

  #streamIdField(): { streamId?: string } {
    return this.#streamId ? { streamId: this.#streamId } : {};
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Finishes the batch in hand, acks it, releases the lease and stops. */
  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#stopRequested = true;
    this.#state = "stopping";
    this.#wake?.();
    this.#abort.abort();
    if (this.#messages) await closeWithin(this.#messages, 250);
    await this.#loop?.catch(() => {});
    this.#log.info({ position: this.#position }, "projector stopped");
  }

  /** Resolves when the worker ends: stopped, `stopAt` reached, or a fatal error (rethrown). */
  done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
