import { fileURLToPath } from "node:url";
import { type ProcessOutcome, runToEnd } from "@uaip/local-services";

/** The real `uaip` command, as a user runs it. */
const entry = fileURLToPath(import.meta.resolve("@uaip/cli/bin/uaip.js"));

export type CliRun = ProcessOutcome;

/** Runs `uaip <args>` in a child process with the test hub's environment. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  return runToEnd(entry, args, {
    env: { ...process.env, ...env },
    input: opts.input ?? "",
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
}
