import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Db, Logger } from "@uaip/platform";
import { type DeliveryPolicy, DispatchSession } from "./dispatch-session.ts";
import { leaseHeld } from "./dispatcher-metrics.ts";
import type { KvLease } from "./kv-lease.ts";
import type { PresenceTracker } from "./presence-tracker.ts";

export interface CommandDispatcherOptions extends Partial<DeliveryPolicy> {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly namespace: string;
  readonly presence: PresenceTracker;
  readonly lease: KvLease;
  /** Lease time to live: the longest a standby waits to take over from a dead dispatcher. */
  readonly leaseTtlMs: number;
  readonly logger: Logger;
}

export type DispatcherState = "standby" | "running" | "retrying" | "stopped";

/** The delivery policy's defaults. */
export const defaultDeliveryPolicy: DeliveryPolicy = {
  requestTimeoutMs: 5_000,
  retryInitialMs: 500,
  retryMaxMs: 30_000,
  offlineRecheckMs: 30_000,
  maxInFlight: 256,
};

/**
 * Delivers issued commands to their devices (see DispatchSession). Several dispatcher
 * processes may run: a KV lease lets one work while the others stand by, and a standby
 * takes over within the lease's TTL when the worker dies. Nothing is kept between sessions
 * but the log and its read model, so a kill at any instant loses no command; a command a
 * device received but whose delivery was not yet recorded is sent again, and the device
 * drops it by its id.
 *
 * @example
 * const dispatcher = CommandDispatcher.start({ nc, js, jsm, db, namespace, presence, lease, leaseTtlMs: 10_000, logger });
 * await dispatcher.stop();
 */
export class CommandDispatcher {
  readonly #o: CommandDispatcherOptions;
  readonly #policy: DeliveryPolicy;
  #state: DispatcherState = "standby";
  #session?: DispatchSession;
  #stopRequested = false;
  #wake?: () => void;
  #loop?: Promise<void>;

  private constructor(o: CommandDispatcherOptions) {
    this.#o = o;
    this.#policy = {
      requestTimeoutMs: o.requestTimeoutMs ?? defaultDeliveryPolicy.requestTimeoutMs,
      retryInitialMs: o.retryInitialMs ?? defaultDeliveryPolicy.retryInitialMs,
      retryMaxMs: o.retryMaxMs ?? defaultDeliveryPolicy.retryMaxMs,
      offlineRecheckMs: o.offlineRecheckMs ?? defaultDeliveryPolicy.offlineRecheckMs,
      maxInFlight: o.maxInFlight ?? defaultDeliveryPolicy.maxInFlight,
    };
  }

  static start(o: CommandDispatcherOptions): CommandDispatcher {
    const d = new CommandDispatcher(o);
    d.#loop = d.#supervise();
    return d;
  }

  get state(): DispatcherState {
    return this.#state;
  }

  /** Whether this one holds the lease and has caught up with the stream. */
  get live(): boolean {
    return this.#session?.live ?? false;
  }

  async stop(): Promise<void> {
    this.#stopRequested = true;
    this.#session?.end();
    this.#wake?.();
    await this.#loop;
  }

  async #supervise(): Promise<void> {
    const { lease, logger } = this.#o;
    const log = logger.child({ component: "dispatcher" });
    while (!this.#stopRequested) {
      const held = await lease.acquire();
      leaseHeld.set({ lease: lease.name }, held ? 1 : 0);
      if (!held) {
        this.#state = "standby";
        await this.#sleep(this.#o.leaseTtlMs / 3);
        continue;
      }
      const session = new DispatchSession({ ...this.#o, logger: log }, this.#policy);
      this.#session = session;
      const renew = setInterval(() => {
        void lease.acquire().then((still) => {
          leaseHeld.set({ lease: lease.name }, still ? 1 : 0);
          if (!still) {
            log.warn("lease lost; standing by");
            session.end();
          }
        });
      }, this.#o.leaseTtlMs / 3);
      try {
        this.#state = "running";
        await session.run();
      } catch (err) {
        this.#state = "retrying";
        log.warn({ err: (err as Error).message }, "dispatcher session failed; starting over");
        await this.#sleep(1_000);
      } finally {
        clearInterval(renew);
        session.end();
      }
    }
    await lease.release();
    leaseHeld.set({ lease: lease.name }, 0);
    this.#state = "stopped";
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
}
