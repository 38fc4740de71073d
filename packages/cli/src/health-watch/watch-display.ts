import type { CheckResult } from "./check-result.ts";
import type { HealthAlert } from "./hub-tracker.ts";
import { alertText, watchLine } from "./watch-line.ts";

/** Where the watch shows its checks and alerts. */
export interface WatchDisplay {
  checks(round: readonly CheckResult[], streaks: readonly number[]): void;
  alert(alert: HealthAlert): void;
  problem(line: string): void;
  /** Leaves the live lines where they are before the summary is printed. */
  end(): void;
}

/**
 * `json`: one JSON object a check on stdout. `tty`: one line per hub, redrawn in place.
 * Otherwise: plain timestamped lines, one per hub per round (for logs and pipes).
 */
export function watchDisplay(
  mode: "json" | "tty" | "plain",
  out: NodeJS.WritableStream,
): WatchDisplay {
  let drawn = 0;
  const write = (s: string) => out.write(s);
  // On a terminal the alerts and problems print above the live lines.
  const above = (line: string) => {
    if (mode === "tty" && drawn > 0) write(`\x1b[${drawn}A\x1b[J`);
    write(`${line}\n`);
    drawn = 0;
  };
  return {
    checks(round, streaks) {
      if (mode === "json") {
        for (const [i, c] of round.entries())
          write(
            `${JSON.stringify({ type: "check", ...toJson(c), consecutiveFailures: streaks[i] })}\n`,
          );
        return;
      }
      if (mode === "plain") {
        const at = new Date(round[0]?.at ?? Date.now()).toISOString();
        for (const [i, c] of round.entries()) write(`${at}  ${watchLine(c, streaks[i] ?? 0)}\n`);
        return;
      }
      if (drawn > 0) write(`\x1b[${drawn}A`);
      for (const [i, c] of round.entries()) write(`\x1b[2K${watchLine(c, streaks[i] ?? 0)}\n`);
      drawn = round.length;
    },
    alert(alert) {
      if (mode === "json") write(`${JSON.stringify({ type: "alert", ...alert })}\n`);
      else above(`${alert.at}  ALERT ${alertText(alert)}`);
    },
    problem(line) {
      if (mode === "tty") above(`uaip: ${line}`);
      else process.stderr.write(`uaip: ${line}\n`);
    },
    end() {
      drawn = 0;
    },
  };
}

function toJson(c: CheckResult) {
  return {
    hub: c.hub,
    at: new Date(c.at).toISOString(),
    ok: c.ok,
    status: c.status,
    ...(c.httpStatus !== undefined && { httpStatus: c.httpStatus }),
    latencyMs: c.latencyMs,
    components: c.components,
    ...(c.error !== undefined && { error: c.error }),
  };
}
