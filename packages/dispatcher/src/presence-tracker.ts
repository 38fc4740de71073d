import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { presenceFilters } from "@uaip/device-protocol";
import { type DeviceStatus, DeviceStatuses, type Subjects, subjects } from "@uaip/events";
import { type Db, type Logger, retryWithBackoff } from "@uaip/platform";
import { refusesAfterDecommissioning } from "@uaip/projections";

/** What the tracker knows of one device. */
export interface DevicePresence {
  /** When a message of the device's own was last seen by this process (ms), 0 if never. */
  lastSeen: number;
  status: DeviceStatus | "unknown";
  decommissioned: boolean;
  /** Whether `status` came from a live event (it then wins over the read model's). */
  live: boolean;
}

export interface PresenceTrackerOptions {
  readonly nc: NatsConnection;
  readonly namespace: string;
  /** The devices read model, for each device's status when the tracker starts. */
  readonly db: Db;
  readonly logger: Logger;
}

const statuses = new Set<string>(DeviceStatuses);
const decoder = new TextDecoder();

/**
 * Sees every message a device sends (its events, telemetry, command outcomes, heartbeats)
 * on core NATS subscriptions, and keeps per device: when it was last seen, its status, and
 * whether it was decommissioned. Messages the hub appended (their subject ends in an origin
 * token, `.operator` or `.hub`) update status but do not count as the device being seen.
 * Once a device is decommissioned, nothing it sends counts (refusesAfterDecommissioning).
 *
 * "Last seen" is only ever what this process saw: a device it has not heard from since it
 * started counts as seen at `startedAt`. That is why a hub restart gives every device a
 * full timeout before the watchdog may call it silent.
 */
export class PresenceTracker {
  readonly startedAt = Date.now();
  #observingSince = this.startedAt;
  readonly #devices = new Map<string, DevicePresence>();
  readonly #subs: Subscription[];
  readonly #watchers = new Map<string, Set<() => void>>();
  readonly #namespace: string;
  readonly #subjects: Subjects;
  #onSeenWhileOffline?: (deviceId: string) => void;

  private constructor(readonly opts: PresenceTrackerOptions) {
    this.#namespace = opts.namespace;
    this.#subjects = subjects(opts.namespace);
    this.#subs = presenceFilters(opts.namespace).map((filter) =>
      opts.nc.subscribe(filter, {
        callback: (err, msg) => {
          if (!err) this.#onMessage(msg);
        },
      }),
    );
  }

  /** Subscribes, then loads each device's status from the read model (live events win). */
  static async start(opts: PresenceTrackerOptions): Promise<PresenceTracker> {
    const t = new PresenceTracker(opts);
    void t.#watchConnection();
    await opts.nc.flush();
    await t.#loadBaseline();
    return t;
  }

  get(deviceId: string): DevicePresence | undefined {
    return this.#devices.get(deviceId);
  }

  /** Every device known, with what is known of it. */
  entries(): IterableIterator<[string, DevicePresence]> {
    return this.#devices.entries();
  }

  /**
   * When the device was last seen; a device not seen since this process started (or since
   * its NATS connection last came back, when it may have missed messages) counts as seen then.
   */
  lastSeen(deviceId: string): number {
    return Math.max(this.#devices.get(deviceId)?.lastSeen ?? 0, this.#observingSince);
  }

  isDecommissioned(deviceId: string): boolean {
    return this.#devices.get(deviceId)?.decommissioned ?? false;
  }

  /** Records a status the hub itself just appended, before its echo comes back. */
  setStatus(deviceId: string, status: DeviceStatus): void {
    const d = this.#entry(deviceId);
    d.status = status;
    d.live = true;
  }

  /** Counts a message from the device that did not come through the filters (a command reply). */
  markSeen(deviceId: string): void {
    this.#seen(deviceId, false);
  }

  /** Calls `listener` each time the device is seen, until the returned function is called. */
  watch(deviceId: string, listener: () => void): () => void {
    let set = this.#watchers.get(deviceId);
    if (!set) {
      set = new Set();
      this.#watchers.set(deviceId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#watchers.delete(deviceId);
    };
  }

  /** The one listener told when a device whose status is offline sends something. */
  onSeenWhileOffline(listener: ((deviceId: string) => void) | undefined): void {
    this.#onSeenWhileOffline = listener;
  }

  stop(): void {
    for (const s of this.#subs) s.unsubscribe();
  }

  #entry(deviceId: string): DevicePresence {
    let d = this.#devices.get(deviceId);
    if (!d) {
      d = { lastSeen: 0, status: "unknown", decommissioned: false, live: false };
      this.#devices.set(deviceId, d);
    }
    return d;
  }

  #onMessage(msg: Msg): void {
    const t = msg.subject.split(".");
    const deviceId = t[2];
    if (!deviceId || t[0] !== this.#namespace) return;
    // Telemetry, heartbeats and command outcomes on these filters are the device's own (the
    // hub's command events carry an origin token the filter does not match): skip parsing.
    const event = t[1] === "device" ? this.#subjects.parse(msg.subject) : undefined;
    const source = event?.source ?? "device";
    const d = this.#entry(deviceId);
    if (event?.type === "device.decommissioned") d.decommissioned = true;
    else if (refusesAfterDecommissioning(d.decommissioned, source)) return;
    const isStatus = event?.type === "device.status_changed";
    if (isStatus) {
      const status = statusOf(msg.data);
      if (status) {
        d.status = status;
        d.live = true;
      }
    }
    if (source === "device") this.#seen(deviceId, isStatus);
  }

  #seen(deviceId: string, isStatus: boolean): void {
    const d = this.#entry(deviceId);
    d.lastSeen = Date.now();
    if (!isStatus && d.status === "offline" && !d.decommissioned)
      this.#onSeenWhileOffline?.(deviceId);
    const watchers = this.#watchers.get(deviceId);
    if (watchers) for (const w of [...watchers]) w();
  }

  async #watchConnection(): Promise<void> {
    for await (const s of this.opts.nc.status()) {
      if (s.type === "reconnect") this.#observingSince = Date.now();
    }
  }

  async #loadBaseline(): Promise<void> {
    const rows = await retryWithBackoff(
      () =>
        this.opts.db.selectFrom("devices").select(["id", "status", "decommissioned_at"]).execute(),
      {
        // At start-up: any failure is tried again a few times, then the start fails saying why.
        retryable: () => true,
        attempts: 5,
        initialDelayMs: 500,
        onRetry: (err) =>
          this.opts.logger.warn(
            { err: (err as Error).message },
            "presence: read model unreachable; retrying",
          ),
      },
    );
    for (const r of rows) {
      const d = this.#entry(r.id);
      if (!d.live && statuses.has(r.status)) d.status = r.status as DeviceStatus;
      if (r.decommissioned_at) d.decommissioned = true;
    }
  }
}

function statusOf(data: Uint8Array): DeviceStatus | undefined {
  try {
    const s = (JSON.parse(decoder.decode(data)) as { data?: { status?: unknown } }).data?.status;
    return typeof s === "string" && statuses.has(s) ? (s as DeviceStatus) : undefined;
  } catch {
    return undefined;
  }
}
