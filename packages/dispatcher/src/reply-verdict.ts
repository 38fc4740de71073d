import type { DeviceEvent } from "@uaip/events";
import type { AppendResult } from "./dispatch-effects.ts";

/** What the appends of a reply's events (see replyEvents) came to. */
export type ReplyVerdict =
  /** Something short of a refusal failed: try the device again after a backoff. */
  | { readonly kind: "retry"; readonly error: unknown }
  /** The progress is stored and the reply carried no outcome: the device finishes on its own. */
  | { readonly kind: "handed-over" }
  /** The stream refused the outcome (e.g. past the message size limit): record that instead. */
  | { readonly kind: "refused"; readonly error: unknown }
  /** Everything is stored: the command ended in `state`. */
  | { readonly kind: "ended"; readonly state: string };

/**
 * Decides what follows the appends of a reply's progress and outcome, `results` in their
 * order. A failed progress append is retried (the command counts as handed over all the
 * same: the device has it); only a refused outcome, with its progress stored, is replaced
 * by an `OUTCOME_REFUSED` failure.
 *
 * @example
 * replyVerdict([{ ok: true }, { ok: true }, { ok: true }], completed); // { kind: "ended", state: "completed" }
 */
export function replyVerdict(
  results: readonly AppendResult[],
  outcome: DeviceEvent | undefined,
): ReplyVerdict {
  const failed = results.find((r) => !r.ok);
  const outcomeFailed = outcome !== undefined && results.at(-1)?.ok === false;
  if (failed && !failed.ok && !outcomeFailed) return { kind: "retry", error: failed.error };
  if (!outcome) return { kind: "handed-over" };
  if (failed && !failed.ok) {
    return failed.refused
      ? { kind: "refused", error: failed.error }
      : { kind: "retry", error: failed.error };
  }
  return { kind: "ended", state: outcome.type.slice("command.".length) };
}
