import type { ProjectorWorker } from "./projector-worker.ts";

/** How often a running worker checks that its checkpoint was not moved by someone else. */
const CHECKPOINT_CHECK_MS = 2_000;

/**
 * Starts over when the stored checkpoint moved under this worker: a rebuild swapped
 * tables in, or the store lost its data (Redis restarted empty). Checked while idle
 * too, so a cache that came back empty is refilled without waiting for a new event.
 * Closing the read ends the worker's stretch; it then starts again from the checkpoint.
 * Returns the timer, to clear when the stretch ends.
 */
export function watchCheckpoint(
  w: ProjectorWorker,
  read: { close(): Promise<void> },
): NodeJS.Timeout {
  return setInterval(() => {
    if (w.applying) return;
    const expected = w.position;
    w.opts.target.position().then(
      (stored) => {
        if (w.applying || w.position !== expected || stored === expected) return;
        w.log.info(
          { expected, stored: stored ?? null },
          "the checkpoint moved outside this worker; starting over from it",
        );
        void read.close();
      },
      // The store is unreachable: the next commit finds out and retries.
      () => {},
    );
  }, CHECKPOINT_CHECK_MS);
}
