import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { BufferOverflowError, DeviceClosedError, FlushTimeoutError } from "./errors.ts";
import {
  ackRefusal,
  type BatchResult,
  type OutgoingEvent,
  type PublisherOptions,
  type StoredAck,
} from "./publish-results.ts";
import { endPublishSpan } from "./publish-span.ts";

interface Batch {
  /** Enqueued and not yet settled. */
  remaining: number;
  /** All events enqueued: the batch settles when `remaining` reaches 0. */
  sealed: boolean;
  stored: number;
  duplicates: number;
  readonly failed: { index: number; error: Error }[];
  readonly done: (r: BatchResult) => void;
}

interface Entry extends OutgoingEvent {
  sentAt: number;
  readonly resolve?: (ack: StoredAck) => void;
  readonly reject?: (err: Error) => void;
  readonly batch?: Batch;
  readonly index?: number;
}

const NO_RESPONDERS_BACKOFF_MS = 500;

/** The stream sequence in a JetStream ack's text (traced publishes only: no JSON parse). */
function seqOf(ack: string): number | undefined {
  const m = /"seq":(\d+)/.exec(ack);
  return m ? Number(m[1]) : undefined;
}

/**
 * Stores events in JetStream in the order they are given, with at most `window` in flight.
 * Each is published on core NATS with a reply subject of this publisher's own, and the
 * JetStream acks are matched on one subscription: no request object, promise or timer per
 * event. An ack that does not come back, a disconnect or a stream that does not answer
 * makes it send everything unacknowledged again, oldest first, under the same
 * `Nats-Msg-Id` — the stream stores each once (within its duplicate window).
 *
 * While NATS is unreachable events wait, up to `bufferLimit`; past that the oldest unsent
 * event is dropped (its promise rejects with BufferOverflowError) and counted in `dropped`.
 * `publishMany` never drops: it waits for room instead.
 */
export class EventPublisher {
  readonly #nc: NatsConnection;
  readonly #opts: PublisherOptions;
  readonly #ackPrefix: string;
  readonly #sub: Subscription;
  readonly #timer: NodeJS.Timeout;
  #queue: Entry[] = [];
  #head = 0;
  readonly #inflight = new Map<number, Entry>();
  #token = 0;
  #connected = true;
  #pausedUntil = 0;
  #resumeTimer?: NodeJS.Timeout;
  #closed = false;
  #dropped = 0;
  #stored = 0;
  #idle: (() => void)[] = [];
  #room: (() => void)[] = [];

  constructor(nc: NatsConnection, opts: PublisherOptions) {
    if (opts.bufferLimit < opts.window) throw new RangeError("bufferLimit must be at least window");
    this.#nc = nc;
    this.#opts = opts;
    this.#ackPrefix = `${opts.replyPrefix}.ack`;
    this.#sub = nc.subscribe(`${this.#ackPrefix}.*`, {
      callback: (err, msg) => {
        if (!err) this.#onAck(msg);
      },
    });
    this.#timer = setInterval(() => this.#checkTimeouts(), Math.max(50, opts.ackTimeoutMs / 4));
    this.#timer.unref();
    void this.#watchConnection();
  }

  /** Events held: sent and unacknowledged, plus not yet sent. */
  get pending(): number {
    return this.#queue.length - this.#head + this.#inflight.size;
  }
  /** Events dropped because the buffer was full. */
  get dropped(): number {
    return this.#dropped;
  }
  /** Events acknowledged as stored (duplicates included). */
  get stored(): number {
    return this.#stored;
  }
  get connected(): boolean {
    return this.#connected;
  }

  /** Stores one event; resolves with where it was stored, rejects if JetStream refuses it. */
  publish(event: OutgoingEvent): Promise<StoredAck> {
    if (this.#closed) return Promise.reject(new DeviceClosedError());
    return new Promise<StoredAck>((resolve, reject) => {
      this.#enqueue({ ...event, sentAt: 0, resolve, reject });
    });
  }

  /**
   * The fast path: stores many events in order, keeping the window full, and resolves once
   * each is acknowledged or refused. Waits for room rather than dropping anything.
   */
  async publishMany(events: Iterable<OutgoingEvent>): Promise<BatchResult> {
    if (this.#closed) throw new DeviceClosedError();
    let done!: (r: BatchResult) => void;
    const result = new Promise<BatchResult>((resolve) => {
      done = resolve;
    });
    const batch: Batch = {
      remaining: 0,
      sealed: false,
      stored: 0,
      duplicates: 0,
      failed: [],
      done,
    };
    let index = 0;
    // Built one by one as room frees up, so a large batch never sits in memory twice.
    for (const event of events) {
      while (this.pending >= this.#opts.bufferLimit) {
        await new Promise<void>((resolve) => this.#room.push(resolve));
        if (this.#closed) throw new DeviceClosedError();
      }
      batch.remaining++;
      this.#enqueue({ ...event, sentAt: 0, batch, index: index++ });
    }
    batch.sealed = true;
    this.#settleBatch(batch, 0);
    return result;
  }

  /** Resolves once nothing is held; rejects with FlushTimeoutError after `timeoutMs`. */
  flush(timeoutMs = 10_000): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#idle = this.#idle.filter((f) => f !== done);
        reject(new FlushTimeoutError(this.pending, timeoutMs));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#idle.push(done);
    });
  }

  /** Stops; whatever is still held is rejected with DeviceClosedError. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#resumeTimer);
    this.#sub.unsubscribe();
    const held = [...this.#inflight.values(), ...this.#queue.slice(this.#head)];
    this.#inflight.clear();
    this.#queue = [];
    this.#head = 0;
    for (const e of held) this.#fail(e, new DeviceClosedError());
    for (const wake of this.#room.splice(0)) wake();
  }

  #enqueue(entry: Entry): void {
    while (this.pending >= this.#opts.bufferLimit && this.#head < this.#queue.length) {
      const oldest = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Entry;
      this.#dropped++;
      this.#fail(oldest, new BufferOverflowError(this.#opts.bufferLimit));
    }
    this.#queue.push(entry);
    this.#pump();
  }

  #pump(): void {
    if (!this.#connected || this.#closed || Date.now() < this.#pausedUntil) return;
    const now = Date.now();
    while (this.#inflight.size < this.#opts.window && this.#head < this.#queue.length) {
      const e = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Entry;
      const token = ++this.#token;
      e.sentAt = now;
      this.#inflight.set(token, e);
      try {
        this.#nc.publish(e.subject, e.body, {
          reply: `${this.#ackPrefix}.${token}`,
          headers: e.headers,
        });
      } catch {
        // Closed or draining under us: keep it for the next connection.
        this.#rewind();
        return;
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #onAck(msg: Msg): void {
    const token = Number(msg.subject.slice(this.#ackPrefix.length + 1));
    const e = this.#inflight.get(token);
    if (!e) return; // an ack for a send that was since repeated under a new token
    if (msg.headers?.code === 503) {
      // No stream answers for the subject (yet): try again shortly, in order.
      this.#pauseAndRewind(NO_RESPONDERS_BACKOFF_MS);
      return;
    }
    this.#inflight.delete(token);
    const text = msg.string();
    const refused = ackRefusal(text, e.subject);
    if (refused) {
      this.#fail(e, refused);
    } else {
      this.#stored++;
      const duplicate = text.includes('"duplicate"');
      if (e.span) endPublishSpan(e.span, { seq: seqOf(text) });
      if (e.batch) {
        if (duplicate) e.batch.duplicates++;
        else e.batch.stored++;
        this.#settleBatch(e.batch);
      } else {
        const ack = JSON.parse(text) as { stream: string; seq: number };
        e.resolve?.({ stream: ack.stream, seq: ack.seq, duplicate });
      }
    }
    this.#afterProgress();
  }

  #fail(e: Entry, err: Error): void {
    if (e.span) endPublishSpan(e.span, { error: err });
    if (e.batch) {
      e.batch.failed.push({ index: e.index ?? -1, error: err });
      this.#settleBatch(e.batch);
    } else e.reject?.(err);
  }

  #settleBatch(b: Batch, by = 1): void {
    b.remaining -= by;
    if (b.sealed && b.remaining === 0) {
      b.failed.sort((x, y) => x.index - y.index);
      b.done({ stored: b.stored, duplicates: b.duplicates, failed: b.failed });
    }
  }

  #afterProgress(): void {
    this.#pump();
    // Wake a waiting batch only once a window's worth of room is free, so it refills in bulk.
    if (this.#room.length > 0 && this.pending <= this.#opts.bufferLimit - this.#opts.window) {
      for (const wake of this.#room.splice(0)) wake();
    }
    if (this.pending === 0 && this.#idle.length > 0) {
      for (const done of this.#idle.splice(0)) done();
    }
  }

  /** Puts every unacknowledged event back at the front of the queue, oldest first. */
  #rewind(): void {
    if (this.#inflight.size === 0) return;
    const back = [...this.#inflight.values()];
    this.#inflight.clear();
    this.#queue = [...back, ...this.#queue.slice(this.#head)];
    this.#head = 0;
  }

  #pauseAndRewind(ms: number): void {
    this.#rewind();
    this.#pausedUntil = Date.now() + ms;
    clearTimeout(this.#resumeTimer);
    this.#resumeTimer = setTimeout(() => this.#pump(), ms);
    this.#resumeTimer.unref();
  }

  #checkTimeouts(): void {
    if (!this.#connected || this.#inflight.size === 0) return;
    const oldest = this.#inflight.values().next().value as Entry;
    if (Date.now() - oldest.sentAt > this.#opts.ackTimeoutMs) {
      this.#rewind();
      this.#pump();
    }
  }

  async #watchConnection(): Promise<void> {
    for await (const s of this.#nc.status()) {
      if (this.#closed) return;
      if (s.type === "disconnect") {
        this.#connected = false;
        this.#rewind();
      } else if (s.type === "reconnect") {
        this.#connected = true;
        this.#pump();
      }
    }
  }
}
