import type { CommandsTable } from "@uaip/migrations";
import type { Selectable } from "kysely";
import type { ApiServices } from "./api-services.ts";

type CommandRecord = Selectable<CommandsTable>;

const finalStates = new Set(["completed", "failed", "expired", "cancelled"]);

/** How often the read model is read once the command's final event went by (until it shows it). */
const HOT_POLL_MS = 10;
/** How long to read that fast after a final event, before falling back. */
const HOT_FOR_MS = 5_000;
/** Reading interval when nothing was heard: a safety net for an event missed while subscribing. */
const COLD_POLL_MS = 1_000;

/** The command's row in the `commands` read model, if it is there. */
export function readCommand(s: ApiServices, commandId: string): Promise<CommandRecord | undefined> {
  return s.db
    .selectFrom("commands")
    .selectAll()
    .where("command_id", "=", commandId)
    .executeTakeFirst();
}

/** Whether a command's state is one it never leaves. */
export const isFinalState = (state: string): boolean => finalStates.has(state);

/**
 * The command's row once it is final or `waitMs` has passed (or `signal` aborts: the client
 * left), whichever comes first; undefined if it is still unknown then. A core NATS
 * subscription to the command's own subjects (`<ns>.command.*.<id>.>`, any origin) hears its final event
 * as it is stored; from then on the read model is read every 10 ms until the projection has
 * applied it, so the answer comes about one projector batch after the outcome. Otherwise it
 * is read once a second, never once per poll of the client.
 *
 * @example
 * const row = await waitForCommand(s, "c-7f3a", 30_000); // state "completed", or still "delivered" after 30 s
 */
export async function waitForCommand(
  s: ApiServices,
  commandId: string,
  waitMs: number,
  signal?: AbortSignal,
): Promise<CommandRecord | undefined> {
  const deadline = Date.now() + waitMs;
  // Read fast at first too: the final event may have gone by just before we listened.
  let hotUntil = Date.now() + 250;
  let wake: (() => void) | undefined;
  const sub = s.deps.nc.subscribe(`${s.deps.namespace}.command.*.${commandId}.>`, {
    callback: (err, msg) => {
      // The phase is the fifth token, whether an origin token follows or not.
      if (err || !isFinalState(msg.subject.split(".")[4] ?? "")) return;
      hotUntil = Date.now() + HOT_FOR_MS;
      wake?.();
    },
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      const row = await readCommand(s, commandId);
      const left = deadline - Date.now();
      if ((row && isFinalState(row.state)) || left <= 0 || signal?.aborted) return row;
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
    signal?.removeEventListener("abort", onAbort);
    sub.unsubscribe();
  }
}
