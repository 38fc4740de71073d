import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type CommandHandler,
  connectDevice,
  type DeviceClient,
  type DeviceOptions,
} from "@uaip/device-sdk";
import { waitFor } from "@uaip/testkit";
import { startWriteTestHub, type WriteTestHub } from "@uaip/write-side/testing";
import { leaseBucketName } from "../kv-lease.ts";
import {
  type DispatcherSettings,
  type RunningDispatcher,
  startDispatcher,
} from "../start-dispatcher.ts";

/** Fast settings for tests: a lease of 1 s, quick retries. */
export const testSettings: Partial<DispatcherSettings> = {
  leaseMs: 1_000,
  requestTimeoutMs: 1_000,
  retryInitialMs: 100,
  retryMaxMs: 1_000,
  offlineRecheckMs: 2_000,
};

/**
 * The write side's test hub (API + projectors) plus dispatcher parts run in this process
 * or as child processes, and SDK devices, all cleaned up by `close`.
 */
export interface DispatchTestHub extends WriteTestHub {
  /** Starts a dispatcher part (tracker, dispatcher, watchdog) in this process. */
  startDispatcher(settings?: Partial<DispatcherSettings>): Promise<RunningDispatcher>;
  /** Starts `dispatcher-process.ts` as a child process. */
  spawnDispatcher(env?: Record<string, string>): ChildProcess;
  /** Connects an SDK device (heartbeats off unless asked) with these handlers. */
  device(
    id: string,
    handlers?: Record<string, CommandHandler>,
    opts?: Partial<DeviceOptions>,
  ): Promise<DeviceClient>;
  /** Registers a device over HTTP with these capabilities. */
  register(id: string, capabilities: string[]): Promise<void>;
  /** GET /commands/:id?wait=… until final (or the wait ends). */
  command(id: string, waitSeconds?: number): Promise<Record<string, unknown>>;
  /** The device as GET /devices/:id shows it. */
  deviceView(id: string): Promise<Record<string, unknown>>;
}

const processEntry = fileURLToPath(new URL("../dispatcher-process.ts", import.meta.url));

export async function startDispatchTestHub(
  opts: { batchWaitMs?: number } = {},
): Promise<DispatchTestHub> {
  const h = await startWriteTestHub(opts);
  const parts: RunningDispatcher[] = [];
  const children: ChildProcess[] = [];
  const devices: DeviceClient[] = [];
  let n = 0;
  const close = async () => {
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(devices.map((d) => d.kill().catch(() => {})));
    await Promise.all(parts.map((p) => p.stop().catch(() => {})));
    await h.t.jsm.streams.delete(`KV_${leaseBucketName(h.t.namespace)}`).catch(() => {});
    await h.close();
  };
  return {
    ...h,
    async startDispatcher(settings = {}) {
      const running = await startDispatcher(
        {
          nc: h.t.nc,
          db: h.t.db,
          namespace: h.t.namespace,
          logger: h.t.logger,
          owner: `test-${++n}`,
        },
        { ...testSettings, ...settings },
      );
      parts.push(running);
      return running;
    },
    spawnDispatcher(env = {}) {
      const child = spawn(process.execPath, ["--import", "tsx", processEntry], {
        env: {
          ...process.env,
          ...h.t.env,
          DISPATCHER_LEASE_MS: "1000",
          DISPATCHER_REQUEST_TIMEOUT_MS: "2000",
          LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? "error",
          ...env,
        },
        stdio: ["ignore", process.env.CHILD_LOG_LEVEL ? "inherit" : "ignore", "inherit", "ipc"],
      });
      children.push(child);
      return child;
    },
    async device(id, handlers = {}, opts = {}) {
      const d = await connectDevice({
        servers: h.t.config.nats.servers,
        namespace: h.t.namespace,
        deviceId: id,
        heartbeatMs: 0,
        ...opts,
      });
      for (const [name, handler] of Object.entries(handlers)) d.onCommand(name, handler);
      devices.push(d);
      return d;
    },
    async register(id, capabilities) {
      const r = await h.http("POST", "/api/v1/devices", {
        id,
        name: id,
        type: "test-device",
        capabilities,
      });
      if (r.status !== 201)
        throw new Error(`register ${id}: ${r.status} ${JSON.stringify(r.body)}`);
      await waitFor(
        async () => (await h.http("GET", `/api/v1/devices/${id}`)).status === 200,
        10_000,
      );
    },
    async command(id, waitSeconds = 10) {
      const r = await h.http("GET", `/api/v1/commands/${id}?wait=${waitSeconds}`);
      if (r.status !== 200) throw new Error(`command ${id}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async deviceView(id) {
      return (await h.http("GET", `/api/v1/devices/${id}`)).body;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
