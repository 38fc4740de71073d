import type { CheckResult } from "./check-result.ts";
import type { HealthAlert, HubSummary } from "./hub-tracker.ts";

/**
 * One line for a hub's latest check: state, each component, latency, the failure streak.
 *
 * @example
 * watchLine(check, 0); // "http://127.0.0.1:8443  ready  nats up · postgres up · redis up · streams 4/4 up · projections 3/3 up  4.1 ms"
 */
export function watchLine(check: CheckResult, consecutiveFailures: number): string {
  const parts = Object.entries(check.components).map(([name, state]) => `${name} ${state}`);
  const streak = consecutiveFailures > 0 ? `  ${consecutiveFailures} failed in a row` : "";
  const error = check.error !== undefined ? `  (${check.error})` : "";
  return `${check.hub}  ${check.status}  ${parts.join(" · ") || "-"}  ${check.latencyMs} ms${streak}${error}`;
}

/** The Slack-compatible `text` of an alert. */
export function alertText(a: HealthAlert): string {
  return a.state === "down"
    ? `:red_circle: ${a.hub} is ${a.status}: ${a.failures} checks failed in a row since ${a.since}${a.error !== undefined ? ` (${a.error})` : ""}`
    : `:large_green_circle: ${a.hub} recovered at ${a.at} after ${a.failures} failed checks since ${a.since}`;
}

/** The summary as a table row: checks, failures, uptime, longest outage, alerts. */
export function summaryRow(s: HubSummary): string[] {
  return [
    s.hub,
    String(s.checks),
    String(s.failures),
    `${s.uptimePercent.toFixed(2)} %`,
    s.longestOutageChecks === 0
      ? "none"
      : `${(s.longestOutageMs / 1000).toFixed(1)} s (${s.longestOutageChecks} checks)`,
    String(s.alerts),
    s.state,
  ];
}
