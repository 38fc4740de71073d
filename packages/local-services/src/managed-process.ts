import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";

/** A server this package started, which must never outlive the hub. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has exited (with its exit code, or null when signalled). */
  readonly exited: Promise<number | null>;
  /** Whether the process is still running. */
  running(): boolean;
  /** Sends the stop signal, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Sends `signal` (SIGKILL unless said otherwise) and waits until the process has exited, as
   * a crash would end it: for fault tests. Resolves with the exit code, or null when signalled.
   */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  user?: { uid: number; gid: number };
  /** The signal that asks for a clean, quick shutdown; SIGTERM unless said otherwise. */
  stopSignal?: NodeJS.Signals;
  /** Variables added to this process's environment (an exporter's DATA_SOURCE_NAME, say). */
  env?: Readonly<Record<string, string>>;
}

const STOP_GRACE_MS = 5_000;

/** Starts a child whose output goes to a log file and which dies with this process. */
export function spawnManaged(opts: SpawnOptions): ManagedProcess {
  const fd = openSync(opts.logFile, "a");
  let child: ChildProcess;
  try {
    writeSync(fd, `--- ${new Date().toISOString()} ${opts.command} ${opts.args.join(" ")}\n`);
    child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      detached: false,
      stdio: ["ignore", fd, fd],
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      ...(opts.user ?? {}),
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
  const stopSignal = opts.stopSignal ?? "SIGTERM";
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    // A spawn failure emits "error" and never "exit".
    child.once("error", () => resolve(child.exitCode ?? -1));
  });
  const running = () =>
    child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  const entry = { child, stopSignal };
  track(entry);
  void exited.then(() => untrack(entry));

  return {
    name: opts.name,
    pid: child.pid ?? -1,
    logFile: opts.logFile,
    exited,
    running,
    async stop(graceMs = STOP_GRACE_MS) {
      if (!running()) return;
      child.kill(stopSignal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), graceMs);
      });
      const outcome = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (outcome === "late" && running()) {
        child.kill("SIGKILL");
        await exited;
      }
    },
    async kill(signal = "SIGKILL") {
      if (running()) child.kill(signal);
      return exited;
    },
  };
}

/** The last non-empty line of a log file, for one-line error messages. */
export async function lastLogLine(logFile: string): Promise<string | undefined> {
  try {
    const handle = await open(logFile, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, 4096);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      const lines = buffer
        .toString("utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("--- "));
      return lines.at(-1)?.slice(0, 300);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

// Every live child, so that they die with the hub however it ends.
interface Tracked {
  child: ChildProcess;
  stopSignal: NodeJS.Signals;
}
const live = new Set<Tracked>();
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
let exitHookInstalled = false;

function track(entry: Tracked): void {
  live.add(entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Only synchronous work runs on "exit": send each child its clean-shutdown signal, which
    // nats-server, redis-server and postgres all act on at once once their clients are gone.
    process.on("exit", signalAll);
  }
  if (live.size === 1) for (const signal of SIGNALS) process.on(signal, onSignal);
}

function untrack(entry: Tracked): void {
  live.delete(entry);
  if (live.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
}

function signalAll(): void {
  for (const { child, stopSignal } of live) {
    try {
      child.kill(stopSignal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Node ends on SIGINT/SIGTERM/SIGHUP without emitting "exit" when nobody listens. When this
 * is the only listener, stop the children and re-raise so the process still ends as it would
 * have. When the host listens too, it owns shutdown (and calls `stop()`); "exit" remains.
 */
function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  signalAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  process.kill(process.pid, signal);
}
