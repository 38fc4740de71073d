import { probeNats, probePostgres, probeRedis } from "./probe.ts";
import { startNats } from "./start-nats.ts";
import { startPostgres } from "./start-postgres.ts";
import { startRedis } from "./start-redis.ts";
import type { StartedService } from "./started-service.ts";

export interface LocalServicesOptions {
  /** Where started services keep their data, one subfolder each, e.g. `<repo>/.uaip`. */
  dataDir: string;
  /** Configured URLs; each is probed, and used as is when it answers. */
  natsUrl: string;
  databaseUrl: string;
  redisUrl: string;
  log?: (line: string) => void;
}

/** The services to use, and a handle on those this process started. */
export interface LocalServices extends AsyncDisposable {
  /** The URLs to use: the configured one, or the started service's. */
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Names of the services this call started, e.g. `["redis"]`. */
  readonly started: readonly string[];
  /** Stops only what this call started. */
  stop(): Promise<void>;
}

/**
 * Makes NATS (with JetStream), PostgreSQL and Redis answer for `uaip dev`: each configured
 * URL that does not answer is replaced by a server started from the machine's own binaries
 * on a free loopback port, with its data under `dataDir`. Started servers stop with `stop()`,
 * with `await using`, or at the latest when this process exits.
 *
 * @example
 * await using services = await ensureLocalServices({
 *   dataDir: ".uaip",
 *   natsUrl: "nats://127.0.0.1:4222",
 *   databaseUrl: "postgres://postgres@127.0.0.1:5432/uaip",
 *   redisUrl: "redis://127.0.0.1:6379",
 *   log: console.error,
 * });
 * connectEverything(services.natsUrl, services.databaseUrl, services.redisUrl);
 */
export async function ensureLocalServices(opts: LocalServicesOptions): Promise<LocalServices> {
  const log = opts.log ?? (() => {});
  const [nats, postgres, redis] = await Promise.all([
    probeNats(opts.natsUrl),
    probePostgres(opts.databaseUrl),
    probeRedis(opts.redisUrl),
  ]);
  const common = { dataDir: opts.dataDir, log };
  const plans: Array<[string, boolean, string, () => Promise<StartedService>]> = [
    [
      "nats",
      nats.answers,
      nats.detail,
      () => startNats({ ...common, configuredUrl: opts.natsUrl }),
    ],
    [
      "postgres",
      postgres.answers,
      postgres.detail,
      () => startPostgres({ ...common, configuredUrl: opts.databaseUrl }),
    ],
    [
      "redis",
      redis.answers,
      redis.detail,
      () => startRedis({ ...common, configuredUrl: opts.redisUrl }),
    ],
  ];
  const starting: Array<Promise<StartedService>> = [];
  for (const [name, answers, detail, start] of plans) {
    if (answers) continue;
    log(`${name}: nothing answers at the configured URL (${detail}); starting one locally`);
    starting.push(start());
  }

  const settled = await Promise.allSettled(starting);
  const started = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  const stop = async () => {
    await Promise.all(started.map((s) => s.process.stop()));
  };
  if (failure !== undefined) {
    await stop();
    throw failure.reason;
  }

  const urlOf = (name: string, configured: string) =>
    started.find((s) => s.name === name)?.url ?? configured;
  return {
    natsUrl: urlOf("nats", opts.natsUrl),
    databaseUrl: urlOf("postgres", opts.databaseUrl),
    redisUrl: urlOf("redis", opts.redisUrl),
    started: started.map((s) => s.name),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
