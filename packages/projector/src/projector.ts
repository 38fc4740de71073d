import type { ProjectorOptions, ProjectorState } from "./projector-options.ts";
import { type ProjectorWorker, projectorWorker } from "./projector-worker.ts";
import type { CheckpointFault } from "./stream-identity.ts";
import { superviseProjector } from "./supervise-projector.ts";

export type { ProjectorOptions, ProjectorState } from "./projector-options.ts";

/**
 * Runs one projection: consumes its stream in batches, hands each batch to the target,
 * which applies it and moves the checkpoint atomically, then acks the batch's last message
 * (AckAll: one ack per batch). Events at or below the checkpoint are skipped, so a crash
 * anywhere between commit and ack applies nothing twice.
 *
 * An event the fold or the store rejects is isolated by splitting the batch, recorded as a
 * dead letter, and skipped; a store that is down makes the batch wait and retry, unacked.
 * The steps live beside it: superviseProjector (lease, restarts), consumeFromCheckpoint (one
 * stretch), openConsumer, applyBatch, isolatePoison, watchCheckpoint.
 *
 * @example
 * await using projector = Projector.start({ target: postgresTarget(db, devicesProjection), … });
 */
export class Projector implements AsyncDisposable {
  readonly #stop = new AbortController();
  readonly #w: ProjectorWorker;
  #loop?: Promise<void>;

  private constructor(opts: ProjectorOptions) {
    this.#w = projectorWorker(opts, this.#stop.signal);
  }

  /** Starts the worker loop; it runs until stop() (or until `stopAt` is reached). */
  static start(opts: ProjectorOptions): Projector {
    const p = new Projector(opts);
    p.#loop = superviseProjector(p.#w);
    return p;
  }

  get name(): string {
    return this.#w.name;
  }
  get state(): ProjectorState {
    return this.#w.state;
  }
  /** Last stream sequence this worker committed (or found committed). */
  get position(): number {
    return this.#w.position;
  }
  /** Why the worker is halted: its checkpoint belongs to another stream instance. */
  get fault(): CheckpointFault | undefined {
    return this.#w.fault;
  }

  /** Finishes the batch in hand, acks it, releases the lease and stops. */
  async stop(): Promise<void> {
    if (this.#w.state === "stopped") return;
    this.#w.state = "stopping";
    this.#stop.abort();
    await this.#w.read?.close();
    await this.#loop?.catch(() => {});
    this.#w.log.info({ position: this.#w.position }, "projector stopped");
  }

  /** Resolves when the worker ends: stopped, `stopAt` reached, or a fatal error (rethrown). */
  done(): Promise<void> {
    return this.#loop ?? Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
