import { Command } from "commander";
import { cliContext, run, shutdownSignal, UsageError } from "../context.ts";
import { runWatch } from "../health-watch/run-watch.ts";
import { watchDisplay } from "../health-watch/watch-display.ts";
import { parseWatchFlags } from "../health-watch/watch-flags.ts";
import { summaryRow } from "../health-watch/watch-line.ts";
import { table } from "../output.ts";

interface RawFlags {
  interval: string;
  timeout: string;
  failures: string;
  count?: string;
  webhook?: string;
  exec?: string;
  apiKey?: string;
  once?: boolean;
  json?: boolean;
}

/** The configured hub, as a client reaches it (a wildcard listen address is this machine). */
function configuredHub(): string {
  const { host, port } = cliContext().config.http;
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

async function watch(urls: string[], raw: RawFlags): Promise<number> {
  let flags: ReturnType<typeof parseWatchFlags>;
  try {
    flags = parseWatchFlags({
      ...raw,
      hubs: urls.length > 0 ? urls : [configuredHub()],
      once: raw.once === true,
      json: raw.json === true,
      ...((raw.apiKey ?? process.env.UAIP_API_KEY) && {
        apiKey: raw.apiKey ?? process.env.UAIP_API_KEY,
      }),
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const mode = flags.json ? "json" : process.stdout.isTTY && !flags.once ? "tty" : "plain";
  const display = watchDisplay(mode, process.stdout);
  const ac = new AbortController();
  void shutdownSignal().then(() => ac.abort());
  const result = await runWatch(flags, display, ac.signal);
  if (flags.once) return result.last.every((c) => c.ok) ? 0 : 1;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ type: "summary", hubs: result.summaries })}\n`);
  } else {
    process.stdout.write(
      `\n${table(
        ["hub", "checks", "failures", "uptime", "longest outage", "alerts", "state"],
        result.summaries.map(summaryRow),
      )}\n`,
    );
  }
  return 0;
}

/** `uaip health`: watch hubs' readiness, with alerts. */
export function healthCommand(): Command {
  const cmd = new Command("health").description(
    "Watch the readiness of one or more hubs, with alerts on failure and recovery",
  );
  cmd
    .command("watch")
    .summary("Poll /health/ready of each hub, alert after N failures in a row and on recovery")
    .description(
      "Polls /health/ready of each hub every --interval and shows a line per hub with each component's state (redrawn in place on a terminal, one line per check otherwise). A check fails on a non-2xx answer, a timeout or a refused connection; after --failures failures in a row the hooks get an alert, and once more when the hub answers again. On Ctrl-C (or after --count rounds) prints per hub: checks, failures, uptime %, longest outage.",
    )
    .argument("[url...]", "hub base URLs (default: the configured hub, http://HOST:PORT)")
    .option("--interval <duration>", "time between rounds of checks: 5, 5s, 500ms, 1m", "5s")
    .option("--timeout <duration>", "a check with no answer by then fails", "5s")
    .option("--failures <n>", "consecutive failures that fire an alert", "3")
    .option("--count <n>", "stop after this many rounds and print the summary")
    .option(
      "--webhook <url>",
      "POST each alert here as JSON: a Slack-compatible text plus hub, state, failures, since, components",
    )
    .option(
      "--exec <command>",
      "run this shell command on each alert, with UAIP_ALERT_HUB, UAIP_ALERT_STATE, UAIP_ALERT_FAILURES, UAIP_ALERT_SINCE, UAIP_ALERT_TEXT and UAIP_ALERT_DETAILS (JSON) in its environment",
    )
    .option(
      "--api-key <key>",
      "a key with the read scope, when HEALTH_AUTH=on (default: $UAIP_API_KEY)",
    )
    .option("--once", "check each hub once; exit 0 when all are ready or degraded, 1 otherwise")
    .option("--json", 'one JSON object per check ({type:"check"}) and alert, then the summary')
    .addHelpText(
      "after",
      `
States: ready and degraded (Redis down, every route still answers) are successes;
"not ready" (HTTP 503), any other status, a timeout and a refused connection are failures.
Alert hooks that fail are reported on stderr; the watch goes on. Exit codes: 0 (the
watch ended), 1 with --once when a hub is not ready, 2 for a bad flag.

Examples:
  uaip health watch                                        # the configured hub, every 5 s
  uaip health watch http://hub-a:8443 http://hub-b:8443 --interval 10s --failures 3 \\
    --webhook https://hooks.slack.com/services/T000/B000/XXXX
  uaip health watch --exec 'logger -t uaip "$UAIP_ALERT_TEXT"'
  uaip health watch --once && echo ready                   # for scripts and CI
  uaip health watch --count 60 --interval 1s --json > checks.ndjson`,
    )
    .action((urls: string[], raw: RawFlags) => run(() => watch(urls, raw)));
  return cmd;
}
