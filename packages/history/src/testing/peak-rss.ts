import { fileURLToPath } from "node:url";
import { runToEnd } from "@uaip/local-services";

/** The real `uaip` command, as a user runs it. */
const entry = fileURLToPath(import.meta.resolve("@uaip/cli/bin/uaip.js"));

/**
 * Runs `uaip <args>` in a child process and reports the peak of its resident set (sampled
 * from /proc every 10 ms), its exit code and stderr. Linux only.
 */
export async function peakRss(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ code: number | null; peakMiB: number; stderr: string }> {
  const r = await runToEnd(entry, args, {
    env: { ...process.env, ...env },
    sampleRss: true,
    timeoutMs: 600_000,
  });
  return { code: r.code, peakMiB: r.peakMiB ?? 0, stderr: r.stderr };
}
