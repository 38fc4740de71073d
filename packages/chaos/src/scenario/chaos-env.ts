import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type StreamKind, type Subjects, streamName, subjects } from "@uaip/events";
import { configVariables, connectNats, createDatabase, createRedis, type Db } from "@uaip/platform";
import type { Redis } from "ioredis";
import { UaipCommandError } from "../errors.ts";
import { type ApiClient, apiClient } from "../hub/api-client.ts";
import { type HubPart, HubProcess } from "../hub/hub-process.ts";
import { runUaip } from "../hub/run-uaip.ts";
import { type PrivateServices, startPrivateServices } from "../services/private-services.ts";

const OBSERVER_TIMEOUT_MS = 1_500;

export interface ChaosEnvOptions {
  readonly scenario: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /**
   * A nats-server config with users (the device permissions of `@uaip/credentials`), made
   * for the scenario's namespace; hub processes then log in as `hubUser`.
   */
  readonly natsAuth?: (namespace: string) => NatsAuth;
  /** Settings every hub process of the scenario gets (on top of the suite's). */
  readonly hubSettings?: Readonly<Record<string, string>>;
}

export interface NatsAuth {
  readonly config: (port: number, storeDir: string) => string;
  readonly hubUser: { readonly user: string; readonly password: string };
}

/**
 * What every hub process of the suite runs with besides the services: a lease short enough
 * that a standby takes over within seconds, no API rate limit (the suite's own probes would
 * hit it), API keys required as in production.
 */
export const suiteHubSettings: Readonly<Record<string, string>> = {
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: "info",
  UAIP_AUTH: "on",
  API_RATE_LIMIT: "0",
  PROJECTOR_LEASE_MS: "3000",
  DISPATCHER_LEASE_MS: "3000",
};

/**
 * One scenario's world: a temp folder, private NATS / PostgreSQL / Redis, the hub processes
 * it started, an API key, and the scenario's own connections to read the log and the read
 * models with. `close()` stops every process and server and removes the folder; with
 * `keepLogsIn`, the logs are copied there first (for a failed scenario).
 */
export class ChaosEnv implements AsyncDisposable {
  readonly scenario: string;
  readonly namespace: string;
  readonly subjects: Subjects;
  readonly services: PrivateServices;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly redis: Redis;
  readonly hubs: HubProcess[] = [];
  readonly log: (line: string) => void;
  #apiKey: string | undefined;
  readonly #hubUser: NatsAuth["hubUser"] | undefined;
  readonly #settings: Readonly<Record<string, string>>;
  #closed = false;

  private constructor(
    opts: ChaosEnvOptions,
    auth: NatsAuth | undefined,
    namespace: string,
    services: PrivateServices,
    c: { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager; db: Db; redis: Redis },
  ) {
    this.#hubUser = auth?.hubUser;
    this.#settings = opts.hubSettings ?? {};
    this.scenario = opts.scenario;
    this.log = opts.log;
    this.namespace = namespace;
    this.subjects = subjects(namespace);
    this.services = services;
    this.nc = c.nc;
    this.js = c.js;
    this.jsm = c.jsm;
    this.db = c.db;
    this.redis = c.redis;
  }

  /** Starts the private services and opens the scenario's own connections to them. */
  static async open(opts: ChaosEnvOptions): Promise<ChaosEnv> {
    const namespace = `chaos_${randomBytes(3).toString("hex")}`;
    const auth = opts.natsAuth?.(namespace);
    const dir = await mkdtemp(join(tmpdir(), `uaip-chaos-${opts.scenario}-`));
    const services = await startPrivateServices({
      dir,
      log: () => {},
      ...(auth ? { natsConfig: auth.config } : {}),
    });
    try {
      await mkdir(join(dir, "hubs"), { recursive: true });
      const user = auth?.hubUser;
      const nc = await connectNats(
        { servers: [services.nats.url], ...(user ? { user: user.user, pass: user.password } : {}) },
        `chaos-${opts.scenario}`,
      );
      // The observer's requests time out fast: one issued while NATS is down is never answered
      // (nats.js queues it and the reply is lost), and a long timeout would show up as a
      // slow recovery of the hub when it is only the observer waiting.
      const js = jetstream(nc, { timeout: OBSERVER_TIMEOUT_MS });
      const jsm = await jetstreamManager(nc, { timeout: OBSERVER_TIMEOUT_MS });
      // Not a literal: the namespace option (its own PostgreSQL schema) is newer than some hubs.
      const dbOptions = { namespace, max: 4, name: "uaip-chaos" };
      const db = createDatabase(services.postgres.url, dbOptions);
      const redis = createRedis(services.redis.url, { name: "uaip-chaos" });
      await redis.connect();
      return new ChaosEnv(opts, auth, namespace, services, { nc, js, jsm, db, redis });
    } catch (err) {
      await services.close();
      throw err;
    }
  }

  get dir(): string {
    return this.services.dir;
  }

  /** The stream of a kind in this scenario's namespace. */
  stream(kind: StreamKind): string {
    return streamName(this.namespace, kind);
  }

  /**
   * The environment of a `uaip` child: the runner's own minus every hub setting it may
   * carry (no stray DATABASE_URL reaches the shared services), then the private services',
   * the suite's settings, the scenario's and `extra`.
   */
  hubEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !(k in configVariables)) base[k] = v;
    const user = this.#hubUser;
    return {
      ...base,
      NATS_URL: this.services.nats.url,
      DATABASE_URL: this.services.postgres.url,
      REDIS_URL: this.services.redis.url,
      UAIP_NAMESPACE: this.namespace,
      ...(user ? { NATS_USER: user.user, NATS_PASSWORD: user.password } : {}),
      ...suiteHubSettings,
      ...this.#settings,
      ...extra,
    };
  }

  /** Starts `uaip start --only <parts>` and waits until it says it started. */
  async startHub(
    name: string,
    parts: readonly HubPart[],
    extra: Readonly<Record<string, string>> = {},
  ): Promise<HubProcess> {
    const hub = HubProcess.start({
      name,
      parts,
      env: this.hubEnv(extra),
      logFile: join(this.dir, "hubs", `${name}.log`),
    });
    this.hubs.push(hub);
    await hub.started();
    this.log(`started ${name} (pid ${hub.pid}, ${parts.join(",")})`);
    return hub;
  }

  /** Creates an API key with every scope through `uaip keys create`, once. */
  async apiKey(): Promise<string> {
    if (this.#apiKey) return this.#apiKey;
    const args = ["keys", "create", "--name", "chaos", "--scopes", "read,write,admin", "--json"];
    const out = await runUaip(args, this.hubEnv({ LOG_LEVEL: "error" }), 60_000);
    if (out.code !== 0) throw new UaipCommandError(args, out.code, out.stderr);
    this.#apiKey = (JSON.parse(out.stdout) as { key: string }).key;
    return this.#apiKey;
  }

  /** A client of the API of `hub` (by default the first hub process running the API). */
  async api(hub?: HubProcess): Promise<ApiClient> {
    const target = hub ?? this.hubs.find((h) => h.parts.includes("api") && h.alive);
    if (!target) throw new Error("no hub process runs the API");
    return apiClient(target.url, await this.apiKey());
  }

  /** Stops everything; with `keepLogsIn`, copies every log there first. */
  async close(keepLogsIn?: string): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.hubs.map((h) => h.stop().catch(() => {})));
    await this.nc.close().catch(() => {});
    await this.db.destroy().catch(() => {});
    this.redis.disconnect();
    if (keepLogsIn) await copyLogs(this.dir, keepLogsIn).catch(() => {});
    await this.services.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** Every `*.log` under `from` (hub processes and servers), flattened into `to`. */
async function copyLogs(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith(".log")) continue;
    const source = join(e.parentPath, e.name);
    const relative = source.slice(from.length + 1).replaceAll("/", "_");
    await cp(source, join(to, relative));
  }
}
