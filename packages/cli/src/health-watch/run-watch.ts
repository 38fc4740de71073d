import { setTimeout as sleep } from "node:timers/promises";
import { fireAlert } from "./alert-hooks.ts";
import { checkReady } from "./check-ready.ts";
import type { CheckResult } from "./check-result.ts";
import { type HubSummary, hubTracker } from "./hub-tracker.ts";
import type { WatchDisplay } from "./watch-display.ts";
import type { WatchFlags } from "./watch-flags.ts";

export interface WatchRun {
  readonly summaries: HubSummary[];
  /** The last round of checks (the only one with `--once`). */
  readonly last: readonly CheckResult[];
}

/**
 * Polls every hub each interval until `signal` aborts or `count` rounds are done (one with
 * `once`), shows each round, fires alerts through the hooks, and returns the summaries.
 */
export async function runWatch(
  flags: WatchFlags,
  display: WatchDisplay,
  signal: AbortSignal,
): Promise<WatchRun> {
  const trackers = flags.hubs.map((hub) => hubTracker(hub, flags.failures));
  const streaks = flags.hubs.map(() => 0);
  const rounds = flags.once ? 1 : (flags.count ?? Number.POSITIVE_INFINITY);
  const hooks = {
    ...(flags.webhook !== undefined && { webhook: flags.webhook }),
    ...(flags.exec !== undefined && { exec: flags.exec }),
  };
  let last: CheckResult[] = [];
  for (let round = 0; round < rounds && !signal.aborted; round++) {
    const started = Date.now();
    last = await Promise.all(
      flags.hubs.map((hub) =>
        checkReady(hub, {
          timeoutMs: flags.timeout,
          ...(flags.apiKey !== undefined && { apiKey: flags.apiKey }),
        }),
      ),
    );
    const alerts = last.flatMap((check, i) => {
      streaks[i] = check.ok ? 0 : (streaks[i] ?? 0) + 1;
      const alert = trackers[i]?.record(check);
      return alert ? [alert] : [];
    });
    display.checks(last, streaks);
    for (const alert of alerts) {
      display.alert(alert);
      for (const problem of await fireAlert(alert, hooks)) display.problem(problem);
    }
    if (round + 1 >= rounds) break;
    const wait = flags.interval - (Date.now() - started);
    if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => {});
  }
  display.end();
  return { summaries: trackers.map((t) => t.summary()), last };
}
