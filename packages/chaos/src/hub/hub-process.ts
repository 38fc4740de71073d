import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { HubProcessError } from "../errors.ts";

/** The parts `uaip start --only` runs. */
export type HubPart = "api" | "projectors" | "dispatcher";

/** The real `uaip` command (packages/cli/bin/uaip.js, which runs a bundle of the CLI). */
export const uaipBin = fileURLToPath(import.meta.resolve("@uaip/cli/bin/uaip.js"));

export interface HubProcessOptions {
  /** Its name in the scenario's report, e.g. `projectors-2`. */
  readonly name: string;
  readonly parts: readonly HubPart[];
  /** The whole environment of the child (see `ChaosEnv.hubEnv`). */
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here. */
  readonly logFile: string;
}

export interface HubExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

const KEEP_LINES = 40;
const STOP_GRACE_MS = 10_000;
const live = new Set<ChildProcess>();
let exitHook = false;

/**
 * One `uaip start --only <parts>` child process, watched: whether it still runs, how it
 * ended, its last log lines, and the API's URL once it has said "hub started".
 *
 * @example
 * const p = HubProcess.start({ name: "api", parts: ["api"], env, logFile });
 * await p.started(60_000);
 * await fetch(`${p.url}/health/ready`);
 * await p.kill(); // kill -9: p.killedOnPurpose is now true
 */
export class HubProcess implements AsyncDisposable {
  readonly name: string;
  readonly parts: readonly HubPart[];
  readonly logFile: string;
  readonly startedAt = Date.now();
  #child: ChildProcess;
  #out: WriteStream;
  #lines: string[] = [];
  #url: string | undefined;
  #started = false;
  #exit: HubExit | undefined;
  #exited: Promise<HubExit>;
  #killedOnPurpose = false;
  /** The last error a crash printed (`Error: …` of a stack trace), with how it was thrown. */
  #crash: string | undefined;
  #unhandled = false;
  #waiters: (() => void)[] = [];

  private constructor(opts: HubProcessOptions) {
    this.name = opts.name;
    this.parts = opts.parts;
    this.logFile = opts.logFile;
    this.#out = createWriteStream(opts.logFile, { flags: "a" });
    this.#child = spawn(process.execPath, [uaipBin, "start", "--only", opts.parts.join(",")], {
      env: { ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this.#child);
    if (!exitHook) {
      exitHook = true;
      // Whatever ends the runner, no hub process outlives it.
      process.on("exit", () => {
        for (const c of live) c.kill("SIGKILL");
      });
    }
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => this.#onLine(line));
    }
    this.#exited = new Promise((resolve) => {
      this.#child.once("exit", (code, signal) => {
        live.delete(this.#child);
        this.#exit = { code, signal, at: Date.now() };
        for (const wake of this.#waiters.splice(0)) wake();
        resolve(this.#exit);
      });
    });
    // "close" comes once the output is read to its end too.
    this.#child.once("close", (code, signal) => {
      this.#out.end(`--- exited code=${code} signal=${signal}\n`);
    });
  }

  /** Spawns `uaip start --only <parts>`; call `started()` to wait until it runs. */
  static start(opts: HubProcessOptions): HubProcess {
    return new HubProcess(opts);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }
  /** The HTTP API's base URL, once a process running the API has started. */
  get url(): string {
    if (this.#url === undefined) throw new Error(`${this.name} runs no API (or has not started)`);
    return this.#url;
  }
  get alive(): boolean {
    return this.#exit === undefined;
  }
  get exit(): HubExit | undefined {
    return this.#exit;
  }
  /** True once the scenario killed or stopped it: its death is not a failure. */
  get killedOnPurpose(): boolean {
    return this.#killedOnPurpose;
  }
  get exited(): Promise<HubExit> {
    return this.#exited;
  }

  /** The last lines it wrote (JSON log lines, stderr), oldest first. */
  lastLines(n = 5): string[] {
    return this.#lines.slice(-n);
  }

  /**
   * One line saying how it ended: the exit code or signal and the error it printed last
   * (the `Error: …` line of a crash's stack trace), for reports.
   */
  deathNote(): string {
    const how = this.#exit
      ? `exited with code ${this.#exit.code}${this.#exit.signal ? `, signal ${this.#exit.signal}` : ""}`
      : "still running";
    const why = this.#crash ?? this.#lines.filter((l) => l.trim() !== "").at(-1);
    return why ? `${how}: ${why}` : how;
  }

  /** Resolves once the process logged "hub started"; throws if it exits first or takes too long. */
  async started(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#started) {
      if (this.#exit) {
        throw new HubProcessError(
          this.name,
          `exited (code ${this.#exit.code}, signal ${this.#exit.signal}) before it started`,
          this.lastLines(),
        );
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new HubProcessError(this.name, `not started after ${timeoutMs} ms`, this.lastLines());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends `signal` (SIGKILL: `kill -9`), marks the death as intended and waits for it. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<HubExit> {
    this.#killedOnPurpose = true;
    if (this.alive) this.#child.kill(signal);
    return this.#exited;
  }

  /** SIGTERM (the hub finishes its batch and exits), SIGKILL after a grace period. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.#killedOnPurpose = true;
    this.#child.kill("SIGTERM");
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.#exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #onLine(line: string): void {
    if (!this.#out.writableEnded) this.#out.write(`${line}\n`);
    if (line.includes("Unhandled 'error' event")) this.#unhandled = true;
    else if (/^\w*(Error|error):? /.test(line))
      this.#crash = `${this.#unhandled ? "unhandled 'error' event: " : ""}${line.trim().slice(0, 300)}`;
    this.#lines.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
    if (this.#lines.length > KEEP_LINES) this.#lines.splice(0, this.#lines.length - KEEP_LINES);
    if (this.#started || !line.includes("hub started")) return;
    try {
      const record = JSON.parse(line) as { msg?: string; url?: string };
      if (record.msg !== "hub started") return;
      this.#url = record.url;
      this.#started = true;
      for (const wake of this.#waiters.splice(0)) wake();
    } catch {
      // Not a log line of ours.
    }
  }
}
