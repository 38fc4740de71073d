import { type Lease, sleep, superviseWithLease } from "@uaip/platform";
import { isCheckpointConflict } from "@uaip/projections";
import { consumeFromCheckpoint } from "./consume-from-checkpoint.ts";
import { ConsumerTakenError, isTransient } from "./errors.ts";
import { pgLease } from "./pg-lease.ts";
import { type ProjectorWorker, reachedStop } from "./projector-worker.ts";

/** How often a halted worker looks again (a rebuild may have fixed the checkpoint). */
const HALTED_RECHECK_MS = 5_000;
/** Wait before a stretch that failed on a store or NATS being down starts over. */
const RETRY_MS = 1_000;

/**
 * Runs a projector worker until it is stopped, reaches `stopAt`, or fails for good: under
 * superviseWithLease when it has a lease (standby until it holds it; a lost lease ends the
 * stretch), else its stretches directly. A stretch taken over (checkpoint moved, another
 * puller) starts over from the checkpoint; one that meets a store down waits and starts
 * over; any other error ends the worker and is rethrown.
 *
 * @example
 * const loop = superviseProjector(projectorWorker(opts, stop.signal));
 */
export async function superviseProjector(w: ProjectorWorker): Promise<void> {
  const end = new AbortController();
  const onStop = () => end.abort();
  w.stopping.addEventListener("abort", onStop, { once: true });
  if (w.stopping.aborted || reachedStop(w)) end.abort();
  let working = false;

  const work = async (held: AbortSignal) => {
    working = true;
    try {
      if (!(await consumeFromCheckpoint(w, held))) await sleep(HALTED_RECHECK_MS, held);
    } catch (err) {
      if (isCheckpointConflict(err) || err instanceof ConsumerTakenError) {
        w.log.info(
          { reason: (err as Error).message },
          "another worker moved on; starting over from the checkpoint",
        );
      } else if (isTransient(err)) {
        w.state = "retrying";
        w.log.warn({ err: (err as Error).message }, "store or NATS unavailable; retrying");
        await sleep(RETRY_MS, held);
      } else {
        throw err;
      }
    } finally {
      working = false;
    }
    if (reachedStop(w)) end.abort();
  };

  try {
    const { lease } = w.opts;
    if (lease) {
      await superviseWithLease({
        lease: loggedLease(pgLease(lease.db, w.name, lease.owner, lease.ttlMs), w, () => working),
        ttlMs: lease.ttlMs,
        signal: end.signal,
        work,
        onState: (state) => {
          if (state === "standby" && !w.stopping.aborted) w.state = "standby";
        },
        onLost: () => w.log.warn("lease lost to another worker; standing by"),
      });
    } else {
      while (!end.signal.aborted) await work(end.signal);
    }
  } catch (err) {
    w.log.error({ err }, "projector stopped on an error");
    throw err;
  } finally {
    w.stopping.removeEventListener("abort", onStop);
    w.state = "stopped";
  }
}

/**
 * Says when PostgreSQL cannot be reached for taking the lease (renewals while working stay
 * quiet: the work's own commits find out and retry).
 */
function loggedLease(lease: Lease, w: ProjectorWorker, working: () => boolean): Lease {
  return {
    name: lease.name,
    acquire: () =>
      lease.acquire().catch((err: unknown) => {
        if (!working())
          w.log.warn({ err: (err as Error).message }, "cannot reach PostgreSQL for the lease");
        throw err;
      }),
    release: () => lease.release(),
  };
}
