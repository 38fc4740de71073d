import type { Clock } from "./clock.ts";
import type { DeliveryPolicy } from "./delivery-policy.ts";
import type { OpenCommands } from "./open-commands.ts";

/** One device's queue: its commands not yet handed over, oldest first, delivered one at a time. */
export interface Lane {
  readonly deviceId: string;
  readonly queue: string[];
  /** A delivery step is under way: the lane holds one of the in-flight places. */
  busy: boolean;
  /** Waiting for the device to be seen (or the recheck); stops the waiting. */
  parked?: () => void;
  /** Waiting out a backoff; cancels it. */
  backoff?: () => void;
  /** The last backoff's wait; 0 after an answer. */
  backoffMs: number;
}

export function newLane(deviceId: string): Lane {
  return { deviceId, queue: [], busy: false, backoffMs: 0 };
}

/** Whether the lane may start a step: not busy, not parked, not backing off. */
export function laneReady(lane: Lane): boolean {
  return !lane.busy && !lane.parked && !lane.backoff;
}

/** Drops commands closed or handed over from the front; the id of the first still to send. */
export function laneHead(lane: Lane, open: OpenCommands): string | undefined {
  while (lane.queue.length > 0) {
    const c = open.get(lane.queue[0]!);
    if (c && !c.handedOver) return c.commandId;
    lane.queue.shift();
  }
  return undefined;
}

/**
 * The wait before trying a device again that did not answer (or whose step failed):
 * `retryInitialMs`, then doubling, at most `retryMaxMs`.
 *
 * @example
 * nextBackoffMs(0, policy); // policy.retryInitialMs
 */
export function nextBackoffMs(
  previousMs: number,
  policy: Pick<DeliveryPolicy, "retryInitialMs" | "retryMaxMs">,
): number {
  return Math.min(Math.max(policy.retryInitialMs, previousMs * 2), policy.retryMaxMs);
}

/** Backs the lane off for its next wait (see nextBackoffMs); `then` runs when it is over. */
export function backOff(
  lane: Lane,
  policy: Pick<DeliveryPolicy, "retryInitialMs" | "retryMaxMs">,
  clock: Clock,
  then: () => void,
): void {
  lane.backoffMs = nextBackoffMs(lane.backoffMs, policy);
  lane.backoff?.();
  lane.backoff = clock.after(lane.backoffMs, () => {
    lane.backoff = undefined;
    then();
  });
}

/**
 * Parks the lane until `lane.parked()` is called (the device was seen) or `recheckMs` pass;
 * either way `stop` runs once, and after the recheck `then`.
 */
export function park(
  lane: Lane,
  recheckMs: number,
  clock: Clock,
  stop: () => void,
  then: () => void,
): void {
  const cancelRecheck = clock.after(recheckMs, () => {
    lane.parked?.();
    then();
  });
  lane.parked = () => {
    cancelRecheck();
    lane.parked = undefined;
    stop();
  };
}
