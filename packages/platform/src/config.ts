import { isIP } from "node:net";
import { NamespaceSchema } from "@uaip/events";
import * as v from "valibot";

const url = (protocols: string[]) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => {
        try {
          return protocols.includes(new URL(s).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    ),
  );

const int = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `must be a whole number from ${min} to ${max}`),
  );

const natsUrls = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean),
  ),
  v.array(url(["nats:", "tls:", "ws:", "wss:"])),
  v.minLength(1, "must name at least one server"),
);

const onOff = v.pipe(
  v.picklist(["on", "off"], 'must be "on" or "off"'),
  v.transform((s) => s === "on"),
);

const origins = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  ),
  v.array(
    v.pipe(
      v.string(),
      v.check(
        (o) => o === "*" || /^https?:\/\/[^/\s]+$/.test(o),
        "must be * or http(s) origins without a path, comma-separated",
      ),
    ),
  ),
);

const addresses = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean),
  ),
  v.array(
    v.pipe(
      v.string(),
      v.check((a) => isIP(a) !== 0, "must be IP addresses (no names, no ranges), comma-separated"),
    ),
  ),
);

/**
 * Every environment variable a hub process reads: its default, what it is for, and the
 * rule it must pass. The README's configuration table is generated from this list.
 */
export const configVariables = {
  NATS_URL: {
    default: "nats://127.0.0.1:4222",
    schema: natsUrls,
    doc: "NATS server(s), comma-separated",
  },
  NATS_USER: { default: "", schema: v.string(), doc: "NATS user, when the server requires one" },
  NATS_PASSWORD: { default: "", schema: v.string(), doc: "NATS password for `NATS_USER`" },
  DATABASE_URL: {
    default: "postgres://postgres@127.0.0.1:5432/uaip",
    schema: url(["postgres:", "postgresql:"]),
    doc: "PostgreSQL for the read models; the database is created if missing",
  },
  REDIS_URL: {
    default: "redis://127.0.0.1:6379",
    schema: url(["redis:", "rediss:"]),
    doc: "Redis for the caches",
  },
  HOST: {
    default: "127.0.0.1",
    schema: v.pipe(v.string(), v.minLength(1)),
    doc: "Address the HTTP API listens on",
  },
  PORT: {
    default: "8443",
    schema: int(0, 65535),
    doc: "HTTP port of the API (0 picks a free one)",
  },
  UAIP_NAMESPACE: {
    default: "uaip",
    schema: v.pipe(
      NamespaceSchema,
      v.check((ns) => !ns.startsWith("pg_"), "must not start with pg_ (PostgreSQL reserves it)"),
    ),
    doc: "Names the hub: prefix of every subject, stream, consumer and Redis key, and the PostgreSQL schema of its tables, so several hubs (and tests) share one NATS, database and Redis without seeing each other",
  },
  LOG_LEVEL: {
    default: "info",
    schema: v.picklist(
      ["trace", "debug", "info", "warn", "error", "fatal", "silent"],
      "must be one of trace, debug, info, warn, error, fatal, silent",
    ),
    doc: "Least severe log level written: JSON lines on stdout from `uaip start` and `uaip dev`, on stderr from every other command (whose stdout is its output)",
  },
  UAIP_AUTH: {
    default: "on",
    schema: onOff,
    doc: "Every /api route needs an API key (`uaip keys create`); `off` only for local development (`uaip dev` turns it off)",
  },
  API_RATE_LIMIT: {
    default: "100",
    schema: int(0, 100_000),
    doc: "Requests per second each API key may make, bursting to twice that; 0: no limit",
  },
  BODY_LIMIT: {
    default: "1048576",
    schema: int(1024, 67_108_864),
    doc: "Largest HTTP request body in bytes; larger ones get 413",
  },
  CORS_ORIGINS: {
    default: "",
    schema: origins,
    doc: "Origins browsers may call the API from (`*` or http(s) origins, comma-separated); empty: no CORS headers",
  },
  METRICS_AUTH: {
    default: "off",
    schema: onOff,
    doc: "`/metrics` needs a key with the read scope",
  },
  HEALTH_AUTH: { default: "off", schema: onOff, doc: "`/health/*` need a key with the read scope" },
  READ_WAIT_MS: {
    default: "5000",
    schema: int(0, 60_000),
    doc: "Longest a read with `X-Min-Sequence` waits for its projection before answering 503",
  },
  READY_MAX_LAG_S: {
    default: "60",
    schema: int(1, 86_400),
    doc: "`/health/ready` answers 503 when a projection lags its stream by more than this",
  },
  REQUEST_TIMEOUT_MS: {
    default: "15000",
    schema: int(100, 600_000),
    doc: "A request not answered by then gets 503 (streams excepted); also PostgreSQL's statement timeout",
  },
  API_KEY_CACHE_MS: {
    default: "5000",
    schema: int(0, 300_000),
    doc: "How long a process trusts a verified key; revoking a key takes at most this long to apply everywhere. While PostgreSQL is unreachable, keys verified before keep working",
  },
  AUTH_FAILURE_LIMIT: {
    default: "60",
    schema: int(0, 100_000),
    doc: "Invalid API keys a client address may send per minute; past that it gets 429 and its keys are not looked up (keys this process verified before still work); 0: no limit",
  },
  TRUSTED_PROXIES: {
    default: "",
    schema: addresses,
    doc: "Reverse proxies (IP addresses, comma-separated) whose `X-Forwarded-For` names the client for the failed-authentication limit; empty: the socket's peer is the client",
  },
  PROJECTOR_BATCH_SIZE: {
    default: "500",
    schema: int(1, 10_000),
    doc: "Most events a projector applies in one transaction",
  },
  PROJECTOR_LEASE_MS: {
    default: "10000",
    schema: int(500, 600_000),
    doc: "How long a projector's lease lasts unrenewed: the longest a standby waits to take over from a dead worker",
  },
  DISPATCHER_LEASE_MS: {
    default: "10000",
    schema: int(500, 600_000),
    doc: "How long the dispatcher's and the presence watchdog's leases last unrenewed: the longest a standby waits to take over",
  },
  DISPATCHER_REQUEST_TIMEOUT_MS: {
    default: "5000",
    schema: int(100, 600_000),
    doc: "How long a device has to answer a command request before it is retried (with backoff)",
  },
  DISPATCHER_MAX_IN_FLIGHT: {
    default: "256",
    schema: int(1, 100_000),
    doc: "Most command requests awaiting a device's answer at once",
  },
  PRESENCE_TIMEOUT_MS: {
    default: "30000",
    schema: int(500, 86_400_000),
    doc: "Silence after which an online device is declared offline (heartbeat timeout)",
  },
  PROJECTOR_BATCH_WAIT_MS: {
    default: "20",
    schema: int(1, 60_000),
    doc: "Longest a projector waits to fill a batch before applying what it has",
  },
} as const;

type Vars = typeof configVariables;
type Parsed = { [K in keyof Vars]: v.InferOutput<Vars[K]["schema"]> };

export interface HubConfig {
  readonly nats: { readonly servers: string[]; readonly user?: string; readonly pass?: string };
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly http: { readonly host: string; readonly port: number };
  readonly namespace: string;
  readonly logLevel: Parsed["LOG_LEVEL"];
  /** How the HTTP API behaves (the API adds its own defaults for what is not configured). */
  readonly api: {
    /** `required`: every `/api` route needs an API key; `off`: no checks (local development only). */
    readonly auth: "required" | "off";
    /** Requests per second each key may make (token bucket; bursts up to twice that). 0: no limit. */
    readonly rateLimitPerSecond: number;
    /** Largest request body accepted, in bytes; larger ones get 413. */
    readonly bodyLimitBytes: number;
    /** Origins allowed to call the API from a browser; `*` allows any; empty: no CORS headers. */
    readonly corsOrigins: readonly string[];
    /** Whether `/metrics` needs a key with the `read` scope (when auth is on). */
    readonly metricsAuth: boolean;
    /** Whether `/health/*` needs a key with the `read` scope (when auth is on). */
    readonly healthAuth: boolean;
    /** Longest a read waits for its projection to pass `X-Min-Sequence` before answering 503. */
    readonly readWaitMs: number;
    /** `/health/ready` reports not ready when a projection lags its stream by more than this. */
    readonly readyMaxLagSeconds: number;
    /** A request not answered by then gets 503 (streams excepted): no request hangs on a stuck database. */
    readonly requestTimeoutMs: number;
    /** How long a verified key is trusted before it is looked up again (revocation by another process takes this long). */
    readonly keyCacheMs: number;
    /** Invalid keys a client address may present per minute before it gets 429 (no lookup); 0: no limit. */
    readonly authFailuresPerMinute: number;
    /** Proxies whose `X-Forwarded-For` is believed when naming the client. */
    readonly trustedProxies: readonly string[];
  };
  readonly dispatcher: {
    readonly leaseMs: number;
    readonly requestTimeoutMs: number;
    readonly maxInFlight: number;
    readonly presenceTimeoutMs: number;
  };
  readonly projector: {
    readonly batchSize: number;
    readonly batchWaitMs: number;
    readonly leaseMs: number;
  };
}

/** A bad environment: `message` is one line naming the variable and the rule. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly variable: string,
    readonly rule: string,
  ) {
    super(`${variable}: ${rule}`);
  }
}

/**
 * Parses the process environment once, at start. Unset or empty variables take their
 * defaults, which point at services on 127.0.0.1's standard ports.
 *
 * @example
 * const config = loadConfig(process.env); // throws ConfigError("PORT", "must be …")
 */
export function loadConfig(env: Record<string, string | undefined>): HubConfig {
  const parsed = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(configVariables)) {
    const raw = env[name]?.trim() || spec.default;
    const result = v.safeParse(spec.schema as v.GenericSchema, raw);
    if (!result.success) {
      const shown = name.includes("PASSWORD") ? "" : ` (got "${raw}")`;
      throw new ConfigError(name, `${result.issues[0]?.message ?? "invalid"}${shown}`);
    }
    parsed[name] = result.output;
  }
  const p = parsed as Parsed;
  return {
    nats: {
      servers: p.NATS_URL,
      ...(p.NATS_USER ? { user: p.NATS_USER, pass: p.NATS_PASSWORD } : {}),
    },
    databaseUrl: p.DATABASE_URL,
    redisUrl: p.REDIS_URL,
    http: { host: p.HOST, port: p.PORT },
    namespace: p.UAIP_NAMESPACE,
    logLevel: p.LOG_LEVEL,
    api: {
      auth: p.UAIP_AUTH ? "required" : "off",
      rateLimitPerSecond: p.API_RATE_LIMIT,
      bodyLimitBytes: p.BODY_LIMIT,
      corsOrigins: p.CORS_ORIGINS,
      metricsAuth: p.METRICS_AUTH,
      healthAuth: p.HEALTH_AUTH,
      readWaitMs: p.READ_WAIT_MS,
      readyMaxLagSeconds: p.READY_MAX_LAG_S,
      requestTimeoutMs: p.REQUEST_TIMEOUT_MS,
      keyCacheMs: p.API_KEY_CACHE_MS,
      authFailuresPerMinute: p.AUTH_FAILURE_LIMIT,
      trustedProxies: p.TRUSTED_PROXIES,
    },
    dispatcher: {
      leaseMs: p.DISPATCHER_LEASE_MS,
      requestTimeoutMs: p.DISPATCHER_REQUEST_TIMEOUT_MS,
      maxInFlight: p.DISPATCHER_MAX_IN_FLIGHT,
      presenceTimeoutMs: p.PRESENCE_TIMEOUT_MS,
    },
    projector: {
      batchSize: p.PROJECTOR_BATCH_SIZE,
      batchWaitMs: p.PROJECTOR_BATCH_WAIT_MS,
      leaseMs: p.PROJECTOR_LEASE_MS,
    },
  };
}

/** Markdown table of the variables, for the README. */
export function renderConfigTable(): string {
  const rows = Object.entries(configVariables).map(
    ([name, spec]) =>
      `| \`${name}\` | ${spec.default ? `\`${spec.default}\`` : "(empty)"} | ${spec.doc} |`,
  );
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
