import { ServiceStartError } from "./errors.ts";
import { freePort } from "./free-port.ts";
import {
  lastLogLine,
  type ManagedProcess,
  type SpawnOptions,
  spawnManaged,
} from "./managed-process.ts";

export interface LaunchOptions extends Omit<SpawnOptions, "args"> {
  /** Command-line arguments for a server listening on `port`. */
  args: (port: number) => readonly string[];
  /** Whether the server on `port` answers yet. */
  ready: (port: number) => Promise<boolean>;
  /** How long to wait for it to answer. */
  timeoutMs?: number;
  /**
   * Listen on this port instead of a free one, e.g. to restart a server where its clients
   * expect it; then there is one attempt, not a retry elsewhere.
   */
  port?: number;
  /** Runs before each spawn with the port chosen, e.g. to write a config file naming it. */
  beforeStart?: (port: number) => Promise<void>;
  log: (line: string) => void;
}

export interface Launched {
  readonly port: number;
  readonly process: ManagedProcess;
}

const START_TIMEOUT_MS = 30_000;
const POLL_MS = 150;
/** A server that exits at once most likely lost its port to another process: try another. */
const ATTEMPTS = 2;

/** Starts a server on a free loopback port and waits until it answers. */
export async function launchService(opts: LaunchOptions): Promise<Launched> {
  const timeoutMs = opts.timeoutMs ?? START_TIMEOUT_MS;
  const attempts = opts.port === undefined ? ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    await opts.beforeStart?.(port);
    const child = spawnManaged({ ...opts, args: opts.args(port) });
    opts.log(`${opts.name}: started pid ${child.pid} on 127.0.0.1:${port} (log ${opts.logFile})`);
    const outcome = await waitUntilReady(child, () => opts.ready(port), timeoutMs);
    if (outcome === "ready") return { port, process: child };
    const last = await lastLogLine(opts.logFile);
    const why = last === undefined ? "" : `: ${last}`;
    if (outcome === "exited") {
      if (attempt < attempts) {
        opts.log(`${opts.name}: exited before answering${why}; retrying on another port`);
        continue;
      }
      throw new ServiceStartError(
        opts.name,
        `${opts.name} exited before answering on 127.0.0.1:${port} (see ${opts.logFile})${why}`,
        opts.logFile,
      );
    }
    await child.stop();
    throw new ServiceStartError(
      opts.name,
      `${opts.name} did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s (see ${opts.logFile})${why}`,
      opts.logFile,
    );
  }
}

async function waitUntilReady(
  child: ManagedProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited || !child.running()) return "exited";
    if (await ready()) return "ready";
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return "timeout";
}
