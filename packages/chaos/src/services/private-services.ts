import { rm } from "node:fs/promises";
import {
  isServiceStartError,
  type ServiceName,
  type StartedService,
  startNats,
  startPostgres,
  startRedis,
} from "@uaip/local-services";

/**
 * One server of a scenario's own, which the scenario may break: kill it as a crash would,
 * stop it cleanly, and start it again on the same port with the same data (NATS keeps its
 * store, PostgreSQL its cluster; Redis runs without persistence and comes back empty).
 */
export interface PrivateService {
  readonly name: ServiceName;
  /** The URL clients use; the same across restarts. */
  readonly url: string;
  readonly port: number;
  running(): boolean;
  /** Sends `signal` (SIGKILL: `kill -9`) and waits until the server has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The server's own clean shutdown: SIGTERM, or SIGINT (fast) for PostgreSQL. */
  stop(): Promise<void>;
  /** Starts it again on its port with its data folder; waits until it answers. */
  start(): Promise<void>;
  /** Where the server writes its log. */
  readonly logFile: string;
}

/** NATS, PostgreSQL and Redis for one scenario, none of them the machine's shared ones. */
export interface PrivateServices extends AsyncDisposable {
  readonly dir: string;
  readonly nats: PrivateService;
  readonly postgres: PrivateService;
  readonly redis: PrivateService;
  /** Stops every server (SIGKILL after a grace period) and removes `dir`. */
  close(): Promise<void>;
}

export interface PrivateServicesOptions {
  /** A folder of the scenario's own; every server keeps its data under it, and it is removed on close. */
  readonly dir: string;
  readonly log: (line: string) => void;
  /** A nats-server config (e.g. with device permissions) instead of an open server. */
  readonly natsConfig?: (port: number, storeDir: string) => string;
  /** The read models' database; `uaip` by default. */
  readonly database?: string;
}

/**
 * Starts a private nats-server (JetStream), PostgreSQL (`initdb` in `dir`, run as the
 * `postgres` user when this process is root) and redis-server, each on a free loopback port.
 *
 * @example
 * await using services = await startPrivateServices({ dir: await mkdtemp(...), log: console.error });
 * await services.postgres.stop();  // fast stop
 * await services.postgres.start(); // same port, same cluster
 */
export async function startPrivateServices(opts: PrivateServicesOptions): Promise<PrivateServices> {
  const common = { dataDir: opts.dir, log: opts.log };
  const database = opts.database ?? "uaip";
  const starters: Record<ServiceName, (port?: number) => Promise<StartedService>> = {
    nats: (port) =>
      startNats({
        ...common,
        configuredUrl: "nats://127.0.0.1:4222",
        ...(port === undefined ? {} : { port }),
        ...(opts.natsConfig ? { config: opts.natsConfig } : {}),
      }),
    postgres: (port) =>
      startPostgres({
        ...common,
        configuredUrl: `postgres://postgres@127.0.0.1:5432/${database}`,
        ...(port === undefined ? {} : { port }),
      }),
    redis: (port) =>
      startRedis({
        ...common,
        configuredUrl: "redis://127.0.0.1:6379",
        ...(port === undefined ? {} : { port }),
      }),
  };
  const names = ["nats", "postgres", "redis"] as const;
  const settled = await Promise.allSettled(names.map((n) => starters[n]()));
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) {
    await Promise.all(started.map((s) => s.process.stop()));
    await rm(opts.dir, { recursive: true, force: true });
    throw failed.reason;
  }
  const services = started.map((s) => restartable(s, starters[s.name]));
  const [nats, postgres, redis] = services as [PrivateService, PrivateService, PrivateService];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(services.map((s) => s.stop().catch(() => {})));
    await rm(opts.dir, { recursive: true, force: true });
  };
  return { dir: opts.dir, nats, postgres, redis, close, [Symbol.asyncDispose]: close };
}

const RESTART_ATTEMPTS = 5;

function restartable(
  first: StartedService,
  start: (port?: number) => Promise<StartedService>,
): PrivateService {
  let current = first;
  return {
    name: first.name,
    url: first.url,
    port: first.port,
    logFile: first.process.logFile,
    running: () => current.process.running(),
    async kill(signal = "SIGKILL") {
      await current.process.kill(signal);
    },
    async stop() {
      await current.process.stop();
    },
    async start() {
      if (current.process.running()) return;
      // The port may take a moment to be free again after a kill: retry there, never elsewhere.
      for (let attempt = 1; ; attempt++) {
        try {
          current = await start(first.port);
          return;
        } catch (err) {
          if (!isServiceStartError(err) || attempt >= RESTART_ATTEMPTS) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
}
