import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@uaip/local-services";

/** A nats-server of a test's own, which it may stop and start again on the same port. */
export interface TestNatsServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL); the store and port stay for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Stops it and removes its store. */
  close(): Promise<void>;
}

/**
 * Starts `nats-server` with JetStream on a free loopback port. `config(port, storeDir)`
 * returns a config file's text (permissions tests); without it the server runs open.
 */
export async function startTestNatsServer(
  config?: (port: number, storeDir: string) => string,
): Promise<TestNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), "uaip-nats-"));
  const port = await freePort();
  const storeDir = join(dir, "js");
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
  if (config) {
    const file = join(dir, "nats.conf");
    await writeFile(file, config(port, storeDir));
    args.splice(0, args.length, "-c", file);
  }
  const bin = process.env.NATS_SERVER_BIN ?? "nats-server";
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => {
      stderr += String(d);
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`nats-server did not start on ${port}: ${stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  const close = async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop,
    start,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port }, () => {
      socket.once("data", (d) => {
        socket.destroy();
        resolve(String(d).startsWith("INFO"));
      });
    });
    socket.once("error", () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}
