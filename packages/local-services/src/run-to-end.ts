import { spawn } from "node:child_process";

/** How a child process ended, and everything it wrote. */
export interface ProcessOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunToEndOptions {
  /** The child's whole environment (pass `{ ...process.env, … }` to inherit). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Written to its stdin, which is then closed (at once, without it). */
  readonly input?: string;
  /** Killed (SIGKILL) after this long, saying so on its stderr. Default 60 000. */
  readonly timeoutMs?: number;
}

/**
 * Runs a Node script (`node <script> <args>`) to its end and collects its output, without
 * blocking this process: a hub running in the caller's process keeps working meanwhile.
 *
 * @example
 * const { code, stdout } = await runToEnd(uaipBin, ["projections", "verify", "--json"], { env: process.env });
 */
export function runToEnd(
  script: string,
  args: readonly string[],
  opts: RunToEndOptions,
): Promise<ProcessOutcome> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: opts.env,
      stdio: ["pipe", "pipe", "pipe"],
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
    child.stdin.end(opts.input ?? "");
  });
}
