import type { LoadRun, LoadSummary } from "../load/device-fleet.ts";
import type { ScenarioRecord } from "../scenario/scenario.ts";

/**
 * Waits for a load run and records it: every event sent must end acknowledged, since the
 * publishers are expected to ride out the fault (reconnect, resend) rather than give up.
 */
export async function settleLoad(
  run: LoadRun,
  record: ScenarioRecord,
  step: (line: string) => void,
): Promise<LoadSummary> {
  const summary = await run.done;
  record.eventsSent += summary.sent;
  record.eventsAcked += summary.acked;
  step(
    `load done: ${summary.acked}/${summary.sent} acknowledged in ${summary.seconds.toFixed(1)} s (${summary.failed} refused, ${summary.unsettled} unanswered)`,
  );
  record.check(
    summary.failed === 0 && summary.unsettled === 0,
    `publishers: ${summary.failed} events refused and ${summary.unsettled} never acknowledged of ${summary.sent}${summary.firstError ? ` (first error: ${summary.firstError})` : ""}`,
  );
  return summary;
}

/** Resolves after `ms` (scenario pacing: when to break something, how long an outage lasts). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** `1.2 s`, or `-` when there is no figure. */
export function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "-" : `${(ms / 1000).toFixed(1)} s`;
}
