import * as v from "valibot";
import { configVariables } from "./config-variables.ts";

type Vars = typeof configVariables;
type Parsed = { [K in keyof Vars]: v.InferOutput<Vars[K]["schema"]> };

export interface HubConfig {
  readonly nats: {
    readonly servers: string[];
    readonly user?: string;
    readonly pass?: string;
    /** The server's HTTP monitoring endpoint, whose figures `/metrics` re-exports; unset: off. */
    readonly monitorUrl?: string;
  };
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
  /** OpenTelemetry tracing (the standard `OTEL_*` variables); started by the process's entry point. */
  readonly tracing: TracingConfig;
}

/** Where spans go and which are kept; no endpoint: no SDK is started. */
export interface TracingConfig {
  /** OTLP/HTTP collector base URL (spans go to `<endpoint>/v1/traces`); absent: tracing off. */
  readonly endpoint?: string;
  /** `service.name`; absent: the process names itself. */
  readonly serviceName?: string;
  readonly sampler: Parsed["OTEL_TRACES_SAMPLER"];
  /** The ratio of the `traceidratio` samplers, 0 to 1. */
  readonly samplerRatio: number;
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
      ...(p.NATS_MONITOR_URL ? { monitorUrl: p.NATS_MONITOR_URL } : {}),
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
    tracing: {
      ...(p.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: p.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
      ...(p.OTEL_SERVICE_NAME ? { serviceName: p.OTEL_SERVICE_NAME } : {}),
      sampler: p.OTEL_TRACES_SAMPLER,
      samplerRatio: p.OTEL_TRACES_SAMPLER_ARG,
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
