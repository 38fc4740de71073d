import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The real `uaip` command, as a user runs it. */
const entry = fileURLToPath(import.meta.resolve("@uaip/cli/bin/uaip.js"));

/**
 * Runs `uaip <args>` in a child process and samples its resident set
 * from /proc every 10 ms: the peak seen (VmHWM, the kernel's own high-water mark, read on
 * the last sample) and the exit code. Linux only.
 */
export function peakRss(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; peakMiB: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    let peakKiB = 0;
    const sample = setInterval(() => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakKiB = Math.max(peakKiB, hwm, rss);
      } catch {
        // exited between samples
      }
    }, 10);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(sample);
      resolve({ code, peakMiB: peakKiB / 1024, stderr });
    });
  });
}
