import { spawn } from "node:child_process";
import { uaipBin } from "./hub-process.ts";

export interface UaipOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [uaipBin, ...args], {
      env: { ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
