import { spawn } from "node:child_process";
import type { HealthAlert } from "./hub-tracker.ts";
import { alertText } from "./watch-line.ts";

/** Where alerts go; each is optional. */
export interface AlertHooks {
  readonly webhook?: string;
  readonly exec?: string;
}

/**
 * Sends an alert to every hook: the webhook gets a POST of JSON with a Slack-compatible
 * `text` plus the alert's fields; the command runs in a shell with UAIP_ALERT_* in its
 * environment. Returns one line per hook that failed (never throws: a broken hook must not
 * stop the watch).
 *
 * @example
 * await fireAlert(alert, { webhook: "https://hooks.slack.com/…", exec: "notify-send \"$UAIP_ALERT_HUB\"" });
 */
export async function fireAlert(alert: HealthAlert, hooks: AlertHooks): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all([
    hooks.webhook === undefined
      ? undefined
      : postWebhook(hooks.webhook, alert).catch((err: Error) => {
          problems.push(`webhook ${hooks.webhook}: ${err.message}`);
        }),
    hooks.exec === undefined
      ? undefined
      : runCommand(hooks.exec, alert).catch((err: Error) => {
          problems.push(`--exec: ${err.message}`);
        }),
  ]);
  return problems;
}

const HOOK_TIMEOUT_MS = 10_000;

async function postWebhook(url: string, alert: HealthAlert): Promise<void> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: alertText(alert), ...alert }),
    signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`answered HTTP ${res.status}`);
}

/** The environment an `--exec` command sees. */
export function alertEnvironment(alert: HealthAlert): Record<string, string> {
  return {
    UAIP_ALERT_HUB: alert.hub,
    UAIP_ALERT_STATE: alert.state,
    UAIP_ALERT_FAILURES: String(alert.failures),
    UAIP_ALERT_SINCE: alert.since,
    UAIP_ALERT_TEXT: alertText(alert),
    UAIP_ALERT_DETAILS: JSON.stringify(alert),
  };
}

function runCommand(command: string, alert: HealthAlert): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      // Its output goes to stderr: stdout carries the watch (and its --json lines).
      stdio: ["ignore", 2, 2],
      env: { ...process.env, ...alertEnvironment(alert) },
      timeout: HOOK_TIMEOUT_MS,
    });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`exited with ${signal ?? `code ${code}`}`)),
    );
  });
}
