import type { Lease } from "./lease.ts";
import { sleep } from "./retry-with-backoff.ts";

export type SupervisedState = "standby" | "active" | "stopped";

export interface SuperviseOptions {
  readonly lease: Lease;
  /** How long the lease lasts unrenewed; it is renewed (and tried, on standby) every third. */
  readonly ttlMs: number;
  /** Ends the loop: the work's signal aborts, the lease is released. */
  readonly signal: AbortSignal;
  /**
   * One stretch of work while the lease is held. Its signal aborts when the lease is lost
   * (or the loop is stopped): it should then return soon. When it returns, the loop goes
   * round again (takes the lease again first); when it throws, the loop ends with the error.
   */
  readonly work: (held: AbortSignal) => Promise<void>;
  /** Told of each change, e.g. to report standby in health or metrics. */
  readonly onState?: (state: SupervisedState) => void;
  /** A renewal found the lease taken by someone else (or the backend unreachable). */
  readonly onLost?: () => void;
}

/**
 * Runs `work` only while this process holds `lease`: standby until it is free, renew
 * while working, abort the work when a renewal fails, release on stop. The one loop behind
 * every singleton worker of the hub (projectors, the command dispatcher, the presence
 * watchdog).
 *
 * @example
 * const stop = new AbortController();
 * const loop = superviseWithLease({ lease, ttlMs: 10_000, signal: stop.signal, work: (held) => consume(held) });
 * stop.abort(); await loop;
 */
export async function superviseWithLease(opts: SuperviseOptions): Promise<void> {
  const { lease, signal } = opts;
  const every = Math.max(1, Math.floor(opts.ttlMs / 3));
  try {
    while (!signal.aborted) {
      if (!(await lease.acquire().catch(() => false))) {
        opts.onState?.("standby");
        await sleep(every, signal);
        continue;
      }
      opts.onState?.("active");
      const held = new AbortController();
      const stopHeld = () => held.abort();
      signal.addEventListener("abort", stopHeld, { once: true });
      const renew = setInterval(() => {
        lease.acquire().then(
          (still) => {
            if (!still && !held.signal.aborted) {
              opts.onLost?.();
              held.abort();
            }
          },
          () => {
            // The backend is unreachable: the work notices its own store being down; the
            // lease simply expires if this lasts.
          },
        );
      }, every);
      try {
        await opts.work(held.signal);
      } finally {
        clearInterval(renew);
        signal.removeEventListener("abort", stopHeld);
        held.abort();
      }
    }
  } finally {
    await lease.release().catch(() => {});
    opts.onState?.("stopped");
  }
}
