import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { streamName } from "@uaip/events";
import { type LogEntry, type LogRead, readLog } from "@uaip/log-reader";
import { type DeviceRow, evolveDevice, UnfoldableEventError } from "@uaip/projections";
import { RedisVerifyError } from "./errors.ts";

const IDLE_MS = 10_000;

/**
 * The devices stream folded in memory with `evolveDevice`, from sequence 0 forward, as far as
 * asked: what the Redis projection must hold at a given checkpoint. Reads with one readLog
 * that follows the stream, opened on the first `advanceTo` and pulled only as far as needed,
 * so successive checkpoints cost only the events between them. Events that do not decode, or
 * that the fold refuses, are skipped, as the projection skips them.
 *
 * @example
 * await using fold = new DeviceLogFold(js, jsm, "hub");
 * await fold.advanceTo(1200);
 * fold.rows.get("thermo-42"); // the device after every event up to sequence 1200
 */
export class DeviceLogFold implements AsyncDisposable {
  /** Every device seen so far, as the fold has it at `position`. */
  readonly rows = new Map<string, DeviceRow>();
  #position = 0;
  #log?: LogRead;
  #iterator?: AsyncIterator<LogEntry>;
  /** A message read past the last target, applied by the next `advanceTo`. */
  #held?: LogEntry;
  readonly #stream: string;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly namespace: string,
  ) {
    this.#stream = streamName(namespace, "devices");
  }

  /** The last stream sequence folded (0 before any). */
  get position(): number {
    return this.#position;
  }

  /** Folds every event up to and including `seq`; never goes back. */
  async advanceTo(seq: number): Promise<void> {
    if (seq <= this.#position) return;
    const last = (await this.jsm.streams.info(this.#stream)).state.last_seq;
    if (last < seq)
      throw new RedisVerifyError(
        "stream_behind",
        `the Redis checkpoint is at ${seq} but ${this.#stream} ends at ${last}: the stream was recreated or purged`,
      );
    if (!this.#iterator) {
      // Followed: later targets may lie past the stream's end as it is now.
      this.#log = await readLog(this.js, this.jsm, {
        namespace: this.namespace,
        stream: "devices",
        to: "follow",
        batch: 1_000,
      });
      this.#iterator = this.#log[Symbol.asyncIterator]();
    }
    for (;;) {
      const entry = this.#held ?? (await this.#next());
      this.#held = undefined;
      if (entry.raw.seq > seq) {
        this.#held = entry;
        break;
      }
      this.#apply(entry);
      if (entry.raw.seq === seq) break;
    }
    this.#position = seq;
  }

  // The stream reached the target, so its messages are there unless some were deleted by
  // hand since: a bounded wait turns that into an error instead of a hang.
  async #next(): Promise<LogEntry> {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<"idle">((resolve) => {
      timer = setTimeout(() => resolve("idle"), IDLE_MS);
    });
    const next = await Promise.race([this.#iterator!.next(), idle]).finally(() =>
      clearTimeout(timer),
    );
    if (next === "idle" || next.done)
      throw new RedisVerifyError(
        "stream_behind",
        `${this.#stream} delivered nothing after ${this.#position} for ${IDLE_MS / 1000} s`,
      );
    return next.value;
  }

  #apply({ decoded }: LogEntry): void {
    if (!decoded.ok) return;
    try {
      const next = evolveDevice(this.rows.get(decoded.value.event.deviceId), decoded.value);
      if (next) this.rows.set(next.id, next);
    } catch (err) {
      // The projection isolates an event its fold refuses and moves on: so does the check.
      if (!(err instanceof UnfoldableEventError)) throw err;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const log = this.#log;
    this.#log = undefined;
    this.#iterator = undefined;
    await log?.close();
  }
}
