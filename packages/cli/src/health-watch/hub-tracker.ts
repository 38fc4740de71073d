import type { CheckResult } from "./check-result.ts";

/** An alert: a hub down after N consecutive failures, or back up after one. */
export interface HealthAlert {
  readonly hub: string;
  readonly state: "down" | "recovered";
  /** Consecutive failed checks (for a recovery: how many the outage had). */
  readonly failures: number;
  /** ISO time of the outage's first failed check. */
  readonly since: string;
  readonly at: string;
  readonly status: string;
  readonly components: unknown;
  readonly error?: string;
}

/** A hub's figures over the whole watch. */
export interface HubSummary {
  readonly hub: string;
  readonly checks: number;
  readonly failures: number;
  /** Share of checks that succeeded, in percent (100 with no checks). */
  readonly uptimePercent: number;
  /** From the first failed check of the longest outage to the next success (or the last check). */
  readonly longestOutageMs: number;
  readonly longestOutageChecks: number;
  readonly alerts: number;
  /** The state at the last check. */
  readonly state: "up" | "down" | "unknown";
}

export interface HubTracker {
  /** Counts a check; returns the alert it fires, if any. */
  record(check: CheckResult): HealthAlert | undefined;
  summary(): HubSummary;
}

/**
 * Consecutive failures, alerts and the summary for one hub, pure: time comes from each
 * check's `at`, so a test drives it with made-up checks. The alert fires once when the
 * consecutive failures reach `threshold`, and once more at the first success after it.
 *
 * @example
 * const t = hubTracker("http://127.0.0.1:8443", 3);
 * t.record({ ...check, ok: false }); // undefined, undefined, then { state: "down", failures: 3 }
 */
export function hubTracker(hub: string, threshold: number): HubTracker {
  let checks = 0;
  let failures = 0;
  let alerts = 0;
  let consecutive = 0;
  let outageStart: number | undefined;
  let alerted = false;
  let longestMs = 0;
  let longestChecks = 0;
  let last: CheckResult | undefined;

  const closeOutage = (end: number) => {
    if (outageStart === undefined) return;
    longestMs = Math.max(longestMs, end - outageStart);
    longestChecks = Math.max(longestChecks, consecutive);
  };

  return {
    record(check) {
      checks++;
      last = check;
      if (!check.ok) {
        failures++;
        consecutive++;
        outageStart ??= check.at;
        // An outage still going on counts up to its latest check.
        longestMs = Math.max(longestMs, check.at - outageStart);
        longestChecks = Math.max(longestChecks, consecutive);
        if (alerted || consecutive < threshold) return undefined;
        alerted = true;
        alerts++;
        return alertOf(check, "down", consecutive, outageStart);
      }
      const wasAlerted = alerted;
      const outage = { failures: consecutive, since: outageStart };
      closeOutage(check.at);
      consecutive = 0;
      outageStart = undefined;
      alerted = false;
      if (!wasAlerted || outage.since === undefined) return undefined;
      alerts++;
      return alertOf(check, "recovered", outage.failures, outage.since);
    },
    summary() {
      return {
        hub,
        checks,
        failures,
        uptimePercent: checks === 0 ? 100 : round2(((checks - failures) / checks) * 100),
        longestOutageMs: longestMs,
        longestOutageChecks: longestChecks,
        alerts,
        state: last === undefined ? "unknown" : last.ok ? "up" : "down",
      };
    },
  };
}

function alertOf(
  check: CheckResult,
  state: HealthAlert["state"],
  failures: number,
  since: number,
): HealthAlert {
  return {
    hub: check.hub,
    state,
    failures,
    since: new Date(since).toISOString(),
    at: new Date(check.at).toISOString(),
    status: check.status,
    components: check.details ?? check.components,
    ...(check.error !== undefined && { error: check.error }),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
