import { spawn } from "node:child_process";
import { join } from "node:path";
import { findBinary, launchService, type ManagedProcess } from "@uaip/local-services";
import { parse, stringify } from "yaml";

/** A scraping or exporting process started for a test, on a free loopback port. */
export interface HttpProcess {
  readonly url: string;
  readonly process: ManagedProcess;
}

const packages = {
  prometheus: "prometheus",
  promtool: "prometheus",
  "prometheus-postgres-exporter": "prometheus-postgres-exporter",
  "prometheus-redis-exporter": "prometheus-redis-exporter",
} as const;

/** The binary's path, or a failure saying which Debian package to install (`.ci/run` does). */
export function requireBinary(name: keyof typeof packages): Promise<string> {
  return findBinary(name, `Debian: apt-get install -y ${packages[name]} (.ci/run installs it)`);
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Starts `binary` with `args(port)` in `dir` and waits until `http://127.0.0.1:<port><path>`
 * answers 200.
 *
 * @example
 * const pg = await startHttpProcess("postgres-exporter", bin, (p) => [`--web.listen-address=127.0.0.1:${p}`], dir, "/metrics");
 */
export async function startHttpProcess(
  name: string,
  binary: string,
  args: (port: number) => readonly string[],
  dir: string,
  readyPath: string,
  env: Record<string, string> = {},
): Promise<HttpProcess> {
  const { port, process: child } = await launchService({
    name,
    command: binary,
    args,
    cwd: dir,
    env,
    logFile: join(dir, `${name}.log`),
    ready: (p) => answers(`http://127.0.0.1:${p}${readyPath}`),
    log: () => {},
  });
  return { url: `http://127.0.0.1:${port}`, process: child };
}

interface ScrapeConfig {
  job_name: string;
  static_configs: { targets: string[] }[];
}

/**
 * The repository's Prometheus config (grafana/prometheus.yml) pointed at local processes:
 * each job's targets replaced from `targets` (every job must have one, so the test follows
 * the config), a short scrape interval, the rules file by its path, no Alertmanager.
 */
export function localPrometheusConfig(
  composeConfig: string,
  targets: Record<string, string>,
  rulesFile: string,
  interval = "1s",
): string {
  const config = parse(composeConfig) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting?: unknown;
    scrape_configs: ScrapeConfig[];
  };
  config.global.scrape_interval = interval;
  config.global.evaluation_interval = interval;
  config.rule_files = [rulesFile];
  delete config.alerting;
  for (const job of config.scrape_configs) {
    const target = targets[job.job_name];
    if (!target) throw new Error(`no local target for Prometheus job ${job.job_name}`);
    job.static_configs = [{ targets: [target] }];
  }
  return stringify(config);
}

/** Runs promtool with `args` (and `stdin`), resolving with its exit code and output. */
export async function promtool(
  args: readonly string[],
  stdin?: string,
): Promise<{ code: number | null; output: string }> {
  const bin = await requireBinary("promtool");
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
    child.stdin.end(stdin ?? "");
  });
}
