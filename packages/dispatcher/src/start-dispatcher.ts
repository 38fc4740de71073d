import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Db, Logger } from "@uaip/platform";
import { CommandDispatcher } from "./command-dispatcher.ts";
import { type DeliveryPolicy, defaultDeliveryPolicy } from "./delivery-policy.ts";
import { KvLease, openLeaseBucket } from "./kv-lease.ts";
import { PresenceTracker } from "./presence-tracker.ts";
import { PresenceWatchdog } from "./presence-watchdog.ts";

/** Settings of the dispatcher part of a hub process; all have defaults. */
export interface DispatcherSettings extends DeliveryPolicy {
  /** Lease TTL of the dispatcher and the watchdog: how fast a standby takes over. */
  readonly leaseMs: number;
  /** Silence after which the watchdog declares a device offline. */
  readonly presenceTimeoutMs: number;
}

export const defaultDispatcherSettings: DispatcherSettings = {
  ...defaultDeliveryPolicy,
  leaseMs: 10_000,
  presenceTimeoutMs: 30_000,
};

export interface RunningDispatcher extends AsyncDisposable {
  readonly dispatcher: CommandDispatcher;
  readonly watchdog: PresenceWatchdog;
  readonly presence: PresenceTracker;
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher part of a hub process: the presence tracker, the command
 * dispatcher and the presence watchdog, each of the last two under its own KvLease (one
 * bucket per namespace, see openLeaseBucket), run by superviseWithLease.
 *
 * @example
 * const running = await startDispatcher({ nc, db, namespace, logger }, { presenceTimeoutMs: 30_000 });
 * await running.stop();
 */
export async function startDispatcher(
  deps: {
    readonly nc: NatsConnection;
    readonly db: Db;
    readonly namespace: string;
    readonly logger: Logger;
    /** Unique per process; default `host:pid:random`. */
    readonly owner?: string;
  },
  settings: Partial<DispatcherSettings> = {},
): Promise<RunningDispatcher> {
  const s = { ...defaultDispatcherSettings, ...settings };
  const owner = deps.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const js = jetstream(deps.nc);
  const jsm = await jetstreamManager(deps.nc);
  const bucket = await openLeaseBucket(deps.nc, jsm, deps.namespace, s.leaseMs);
  const presence = await PresenceTracker.start({ ...deps });
  const dispatcher = CommandDispatcher.start({
    ...deps,
    ...s,
    js,
    jsm,
    presence,
    lease: new KvLease(bucket, "dispatcher", owner),
    leaseTtlMs: s.leaseMs,
  });
  const watchdog = PresenceWatchdog.start({
    tracker: presence,
    nc: deps.nc,
    js,
    namespace: deps.namespace,
    lease: new KvLease(bucket, "presence-watchdog", owner),
    leaseTtlMs: s.leaseMs,
    timeoutMs: s.presenceTimeoutMs,
    logger: deps.logger.child({ component: "presence" }),
  });
  const stop = async () => {
    await Promise.all([dispatcher.stop(), watchdog.stop()]);
    presence.stop();
  };
  return { dispatcher, watchdog, presence, stop, [Symbol.asyncDispose]: stop };
}
