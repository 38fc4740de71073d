import { isFinal } from "@uaip/projections";
import { type CommandView, commandView } from "./command-view.ts";
import type { CommandWatcher } from "./command-watcher.ts";
import type { WriteDeps } from "./write-deps.ts";

/** How often the read model is read once a final event went by (until it shows it). */
const HOT_POLL_MS = 10;
/** How long to keep reading that fast after a final event, before falling back. */
const HOT_FOR_MS = 5_000;
/** Reading interval when nothing was heard (a safety net for a missed event). */
const COLD_POLL_MS = 1_000;

/**
 * The command from the `commands` read model, once it is in a final state or `waitMs` has
 * passed, whichever comes first; undefined if it is still unknown then. Woken by the
 * command's final event on NATS, it reads the read model every 10 ms until the projection
 * has applied it, so an answer arrives about one projector batch after the outcome.
 *
 * @example
 * const cmd = await waitForCommand(deps, watcher, "c-7f3a", 30_000); // { id, state: "completed", result, … }
 */
export async function waitForCommand(
  deps: WriteDeps,
  watcher: CommandWatcher,
  commandId: string,
  waitMs: number,
): Promise<CommandView | undefined> {
  const deadline = Date.now() + waitMs;
  // Read fast at first too: the final event may have gone by just before we listened.
  let hotUntil = Date.now() + 250;
  let wake: (() => void) | undefined;
  const stop = watcher.listen(commandId, () => {
    hotUntil = Date.now() + HOT_FOR_MS;
    wake?.();
  });
  try {
    for (;;) {
      const row = await deps.db
        .selectFrom("commands")
        .selectAll()
        .where("command_id", "=", commandId)
        .executeTakeFirst();
      const view = row && commandView(row);
      const left = deadline - Date.now();
      if ((view && isFinal(view.state)) || left <= 0) return view;
      const pause = Date.now() < hotUntil ? HOT_POLL_MS : COLD_POLL_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(pause, left));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    stop();
  }
}
