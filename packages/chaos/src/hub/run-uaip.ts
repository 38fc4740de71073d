import { type ProcessOutcome, runToEnd } from "@uaip/local-services";
import { uaipBin } from "./hub-process.ts";

export type UaipOutcome = ProcessOutcome;

/**
 * Runs a one-shot `uaip …` command (verify, keys create) to its end with the given
 * environment, and returns its exit code and output. Killed after `timeoutMs`.
 *
 * @example
 * const { code, stdout } = await runUaip(["projections", "verify", "--json"], env);
 */
export function runUaip(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 180_000,
): Promise<UaipOutcome> {
  return runToEnd(uaipBin, args, { env: { ...env }, timeoutMs });
}
