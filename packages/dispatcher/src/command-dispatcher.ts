import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type Db, type Lease, type Logger, sleep, superviseWithLease } from "@uaip/platform";
import { type DeliveryPolicy, deliveryPolicy } from "./delivery-policy.ts";
import { runDispatchSession } from "./dispatch-session.ts";
import { leaseHeld } from "./dispatcher-metrics.ts";
import type { PresenceTracker } from "./presence-tracker.ts";

export interface CommandDispatcherOptions extends Partial<DeliveryPolicy> {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly namespace: string;
  readonly presence: PresenceTracker;
  readonly lease: Lease;
  /** Lease time to live: the longest a standby waits to take over from a dead dispatcher. */
  readonly leaseTtlMs: number;
  readonly logger: Logger;
}

export type DispatcherState = "standby" | "running" | "retrying" | "stopped";

/** Wait before a failed session (NATS or the read model unreachable) starts over. */
const RESTART_MS = 1_000;

/**
 * Delivers issued commands to their devices (see runDispatchSession and DispatchScheduler).
 * Several dispatcher processes may run: under superviseWithLease one works while the others
 * stand by, and a standby takes over within the lease's TTL when the worker dies. Nothing is
 * kept between sessions but the log and its read model, so a kill at any instant loses no
 * command; a command a device received but whose delivery was not yet recorded is sent
 * again, and the device drops it by its id.
 *
 * @example
 * const dispatcher = CommandDispatcher.start({ nc, js, jsm, db, namespace, presence, lease, leaseTtlMs: 10_000, logger });
 * await dispatcher.stop();
 */
export class CommandDispatcher {
  readonly #stop = new AbortController();
  #state: DispatcherState = "standby";
  #live = false;
  #loop?: Promise<void>;

  private constructor() {}

  static start(o: CommandDispatcherOptions): CommandDispatcher {
    const d = new CommandDispatcher();
    const policy = deliveryPolicy(o);
    const log = o.logger.child({ component: "dispatcher" });
    const held = (n: 0 | 1) => leaseHeld.set({ lease: o.lease.name }, n);
    d.#loop = superviseWithLease({
      lease: o.lease,
      ttlMs: o.leaseTtlMs,
      signal: d.#stop.signal,
      onState: (state) => {
        held(state === "active" ? 1 : 0);
        if (state !== "active") d.#state = state;
      },
      onLost: () => {
        held(0);
        log.warn("lease lost; standing by");
      },
      work: async (signal) => {
        d.#state = "running";
        try {
          await runDispatchSession({ ...o, logger: log }, policy, signal, () => {
            d.#live = true;
          });
        } catch (err) {
          if (signal.aborted) return;
          d.#state = "retrying";
          log.warn({ err: (err as Error).message }, "dispatcher session failed; starting over");
          await sleep(RESTART_MS, signal);
        } finally {
          d.#live = false;
        }
      },
    });
    return d;
  }

  get state(): DispatcherState {
    return this.#state;
  }

  /** Whether this one holds the lease and has caught up with the stream. */
  get live(): boolean {
    return this.#live;
  }

  /** Stops the session, releases the lease (a standby takes over at once). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
