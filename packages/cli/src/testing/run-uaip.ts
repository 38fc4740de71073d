import { fileURLToPath } from "node:url";
import { type ProcessOutcome, runToEnd } from "@uaip/local-services";

/** The real `uaip` command, as a user runs it (bin/uaip.js, which bundles the sources). */
const bin = fileURLToPath(new URL("../../bin/uaip.js", import.meta.url));

export type UaipRun = ProcessOutcome;

/**
 * Runs `uaip <args>` in a child process with `env` over this process's environment.
 * Asynchronous, so a hub running in the test's own process keeps working meanwhile.
 */
export function runUaip(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<UaipRun> {
  return runToEnd(bin, args, { env: { ...process.env, ...env }, timeoutMs });
}
