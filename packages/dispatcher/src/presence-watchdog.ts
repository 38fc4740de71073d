import type { JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { appendEvent } from "@uaip/device-protocol";
import { createEvent, type DeviceStatus, subjects } from "@uaip/events";
import type { Logger } from "@uaip/platform";
import { leaseHeld, presenceTransitions } from "./dispatcher-metrics.ts";
import type { KvLease } from "./kv-lease.ts";
import type { PresenceTracker } from "./presence-tracker.ts";

export interface PresenceWatchdogOptions {
  readonly tracker: PresenceTracker;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly namespace: string;
  readonly lease: KvLease;
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
 * watchdog acts across all hub processes), every check appends
 * `device.status_changed {offline, "heartbeat timeout", since: <last seen>}` (source hub)
 * for each online or erroring device not seen for `timeoutMs`, and the first message from a
 * device that is offline appends `online` ("message received"). Silence is measured by
 * what this process saw (see PresenceTracker), so a restart never flips the fleet offline.
 */
export class PresenceWatchdog {
  readonly #o: PresenceWatchdogOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #appending = new Set<string>();
  #stopped = false;

  private constructor(o: PresenceWatchdogOptions) {
    this.#o = o;
  }

  static start(o: PresenceWatchdogOptions): PresenceWatchdog {
    const w = new PresenceWatchdog(o);
    o.tracker.onSeenWhileOffline((id) => {
      if (o.lease.held) void w.#append(id, "online", "message received");
    });
    const renew = async () => {
      const held = await o.lease.acquire();
      leaseHeld.set({ lease: o.lease.name }, held ? 1 : 0);
    };
    void renew();
    w.#timers.push(setInterval(renew, Math.max(50, o.leaseTtlMs / 3)));
    const every = o.checkEveryMs ?? Math.max(100, o.timeoutMs / 10);
    w.#timers.push(setInterval(() => w.#check(), every));
    return w;
  }

  get active(): boolean {
    return this.#o.lease.held;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    this.#o.tracker.onSeenWhileOffline(undefined);
    await this.#o.lease.release();
    leaseHeld.set({ lease: this.#o.lease.name }, 0);
  }

  #check(): void {
    if (!this.#o.lease.held || this.#stopped) return;
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
    if (this.#appending.has(deviceId) || this.#stopped) return;
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
