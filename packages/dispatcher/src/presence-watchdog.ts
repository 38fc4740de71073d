import type { JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { appendEvent } from "@uaip/device-protocol";
import { createEvent, type DeviceStatus, subjects } from "@uaip/events";
import { type Lease, type Logger, superviseWithLease } from "@uaip/platform";
import { leaseHeld, presenceTransitions } from "./dispatcher-metrics.ts";
import type { PresenceTracker } from "./presence-tracker.ts";

export interface PresenceWatchdogOptions {
  readonly tracker: PresenceTracker;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly namespace: string;
  readonly lease: Lease;
  /** Lease time to live; the lease is renewed every third of it. */
  readonly leaseTtlMs: number;
  /** Silence after which an online (or error) device is declared offline. */
  readonly timeoutMs: number;
  /** How often devices are checked. Default timeoutMs / 10, at least 100 ms. */
  readonly checkEveryMs?: number;
  readonly logger: Logger;
}

/** Statuses that mean "it is there": silence past the timeout turns them offline. */
const present = new Set<string>(["online", "error"]);

/**
 * Declares silent devices offline and brings them back: while it holds its lease (one
 * watchdog acts across all hub processes, under superviseWithLease), every check appends
 * `device.status_changed {offline, "heartbeat timeout", since: <last seen>}` (source hub)
 * for each online or erroring device not seen for `timeoutMs`, and the first message from a
 * device that is offline appends `online` ("message received"). Silence is measured by
 * what this process saw (see PresenceTracker), so a restart never flips the fleet offline.
 */
export class PresenceWatchdog {
  readonly #o: PresenceWatchdogOptions;
  readonly #stop = new AbortController();
  readonly #appending = new Set<string>();
  #active = false;
  #loop?: Promise<void>;

  private constructor(o: PresenceWatchdogOptions) {
    this.#o = o;
  }

  static start(o: PresenceWatchdogOptions): PresenceWatchdog {
    const w = new PresenceWatchdog(o);
    o.tracker.onSeenWhileOffline((id) => {
      if (w.#active) void w.#append(id, "online", "message received");
    });
    const every = o.checkEveryMs ?? Math.max(100, o.timeoutMs / 10);
    const held = (n: 0 | 1) => leaseHeld.set({ lease: o.lease.name }, n);
    w.#loop = superviseWithLease({
      lease: o.lease,
      ttlMs: o.leaseTtlMs,
      signal: w.#stop.signal,
      onState: (state) => held(state === "active" ? 1 : 0),
      onLost: () => held(0),
      work: async (signal) => {
        w.#active = true;
        const timer = setInterval(() => w.#check(), every);
        try {
          await new Promise<void>((resolve) => {
            if (signal.aborted) resolve();
            else signal.addEventListener("abort", () => resolve(), { once: true });
          });
        } finally {
          clearInterval(timer);
          w.#active = false;
        }
      },
    });
    return w;
  }

  /** Whether this one holds the lease and acts. */
  get active(): boolean {
    return this.#active;
  }

  /** Stops checking and releases the lease (a standby takes over at once). */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#o.tracker.onSeenWhileOffline(undefined);
    await this.#loop;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #check(): void {
    if (!this.#active || this.#stop.signal.aborted) return;
    const now = Date.now();
    for (const [id, d] of this.#o.tracker.entries()) {
      if (d.decommissioned || !present.has(d.status)) continue;
      const lastSeen = this.#o.tracker.lastSeen(id);
      if (now - lastSeen > this.#o.timeoutMs) {
        void this.#append(id, "offline", "heartbeat timeout", new Date(lastSeen).toISOString());
      }
    }
  }

  async #append(
    deviceId: string,
    status: DeviceStatus,
    reason: string,
    since?: string,
  ): Promise<void> {
    if (this.#appending.has(deviceId) || this.#stop.signal.aborted) return;
    this.#appending.add(deviceId);
    try {
      const event = createEvent(
        "device.status_changed",
        deviceId,
        { status, reason, ...(since ? { since } : {}) },
        { source: "hub" },
      );
      await appendEvent(
        { nc: this.#o.nc, js: this.#o.js, subjects: subjects(this.#o.namespace) },
        event,
      );
      this.#o.tracker.setStatus(deviceId, status);
      presenceTransitions.inc({ status });
      this.#o.logger.info({ deviceId, status, reason }, "presence changed");
    } catch (err) {
      this.#o.logger.warn(
        { deviceId, err: (err as Error).message },
        "presence: append failed; will retry",
      );
    } finally {
      this.#appending.delete(deviceId);
    }
  }
}
