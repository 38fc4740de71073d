import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The real `uaip` command, as a user runs it (bin/uaip.js, which bundles the sources). */
const bin = fileURLToPath(new URL("../../bin/uaip.js", import.meta.url));

export interface UaipRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `uaip <args>` in a child process with `env` over this process's environment.
 * Asynchronous, so a hub running in the test's own process keeps working meanwhile.
 */
export function runUaip(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<UaipRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
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
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
