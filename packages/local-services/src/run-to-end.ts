import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

/** How a child process ended, and everything it wrote. */
export interface ProcessOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** With `sampleRss`: the highest resident set seen, in MiB. */
  readonly peakMiB?: number;
}

export interface RunToEndOptions {
  /** The child's whole environment (pass `{ ...process.env, … }` to inherit). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Written to its stdin, which is then closed (at once, without it). */
  readonly input?: string;
  /** Killed (SIGKILL) after this long, saying so on its stderr. Default 60 000. */
  readonly timeoutMs?: number;
  /**
   * Sample the child's resident set from /proc every 10 ms (VmHWM, the kernel's high-water
   * mark, and VmRSS) and report the peak: memory tests. Linux only.
   */
  readonly sampleRss?: boolean;
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
    let peakKiB = 0;
    const sample = opts.sampleRss
      ? setInterval(() => {
          try {
            const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
            const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
            const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            peakKiB = Math.max(peakKiB, hwm, rss);
          } catch {
            // exited between samples
          }
        }, 10)
      : undefined;
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      clearInterval(sample);
      reject(err);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      clearInterval(sample);
      resolve({ code, stdout, stderr, ...(sample ? { peakMiB: peakKiB / 1024 } : {}) });
    });
    child.stdin.end(opts.input ?? "");
  });
}
