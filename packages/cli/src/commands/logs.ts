import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { isReplayQueryError, parseTimeSpec } from "@uaip/history";
import { Command } from "commander";
import * as v from "valibot";
import { run, UsageError } from "../context.ts";
import { analyzeLog } from "../log-analysis/analyze-log.ts";
import { reportText } from "../log-analysis/report-text.ts";

const LogsFlagsSchema = v.object({
  top: v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^\d+$/, "must be a whole number"),
    v.transform(Number),
    v.minValue(1, "must be at least 1"),
    v.maxValue(1_000, "must be at most 1000"),
  ),
  since: v.optional(v.string()),
  json: v.optional(v.boolean()),
});

async function input(file: string): Promise<Readable> {
  if (file === "-") return process.stdin;
  try {
    if (!(await stat(file)).isFile()) throw new UsageError(`${file}: not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`,
    );
  }
  return createReadStream(file);
}

async function analyze(file: string, raw: Record<string, unknown>): Promise<number> {
  const parsed = v.safeParse(LogsFlagsSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new UsageError(
      `--${issue.path?.[0]?.key}: ${issue.message} (got ${JSON.stringify(issue.input)})`,
    );
  }
  const flags = parsed.output;
  let since: number | undefined;
  try {
    since = flags.since === undefined ? undefined : parseTimeSpec(flags.since, "--since").getTime();
  } catch (err) {
    if (isReplayQueryError(err)) throw new UsageError(err.message);
    throw err;
  }
  const report = await analyzeLog(await input(file), {
    top: flags.top,
    ...(since !== undefined && { since }),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : reportText(report));
  return 0;
}

/** `uaip logs`: read the hub's own logs. */
export function logsCommand(): Command {
  const cmd = new Command("logs").description("Read the hub's JSON logs");
  cmd
    .command("analyze")
    .summary("Report on a hub log: levels, errors by shape, HTTP, security, projector, dispatcher")
    .description(
      "Reads the hub's JSON log lines from a file or stdin, streaming in bounded memory, and reports: lines by level; the top errors and warnings grouped by shape (ids, numbers, quoted values replaced); the HTTP status distribution, top routes with latency p50/p95/p99 and the slowest requests (from the access log); security events (401, 403, 429 by key id and client); projector retries and dead letters; dispatcher retries, expired commands and failed expiries; then recommendations drawn from those figures.",
    )
    .argument("[file]", "a log file, or - for stdin", "-")
    .option(
      "--since <time>",
      "only lines at or after: ISO time or a duration back from now (15m, 6h, 7d)",
    )
    .option("--top <n>", "length of each top list", "10")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
Anything before a line's first "{" is dropped, so the prefixes of \`docker compose logs\`
(hub-1  | {...}) and \`kubectl logs --prefix\` are fine; lines that are not JSON are counted
and skipped. Latencies come from the access-log line ({"component":"http","msg":"request",
"route","status","durationMs",...}); the projector's and dispatcher's events are matched by
their messages ("command expired" is logged by the dispatcher that expired the command; the
events themselves: \`uaip replay --type command.expired\`).

Examples:
  uaip logs analyze hub.log
  uaip start | tee hub.log                         # a log to analyse later
  docker compose logs hub --no-color | uaip logs analyze -
  kubectl logs deploy/uaip-hub --since=1h | uaip logs analyze --top 20
  uaip logs analyze hub.log --since 30m --json | jq .recommendations`,
    )
    .action((file: string, raw: Record<string, unknown>) => run(() => analyze(file, raw)));
  return cmd;
}
