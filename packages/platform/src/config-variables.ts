import { NamespaceSchema } from "@uaip/events";
import * as v from "valibot";
import {
  addresses,
  int,
  natsUrls,
  onOff,
  optionalUrl,
  origins,
  ratio,
  samplers,
  url,
} from "./config-values.ts";

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
  NATS_MONITOR_URL: {
    default: "",
    schema: v.union([v.literal(""), url(["http:", "https:"])]),
    doc: "NATS server's monitoring endpoint (`nats-server -m 8222`: `http://nats:8222`); when set, `/metrics` carries the server's `/varz` and `/jsz` figures as `uaip_nats_*`; empty: off",
  },
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
  OTEL_EXPORTER_OTLP_ENDPOINT: {
    default: "",
    schema: optionalUrl(["http:", "https:"]),
    doc: "OTLP/HTTP collector that receives the hub's traces (spans go to `<endpoint>/v1/traces`, e.g. Jaeger's `http://jaeger:4318`); empty: tracing off, no SDK started",
  },
  OTEL_SERVICE_NAME: {
    default: "",
    schema: v.string(),
    doc: "`service.name` of the spans; empty: the process's own name (`uaip-hub`, `uaip-dispatcher`)",
  },
  OTEL_TRACES_SAMPLER: {
    default: "parentbased_traceidratio",
    schema: samplers,
    doc: "Which traces are kept: `always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio` (parent-based: a request that arrives sampled stays sampled)",
  },
  OTEL_TRACES_SAMPLER_ARG: {
    default: "1",
    schema: ratio,
    doc: "The ratio of the `traceidratio` samplers, 0 to 1 (`0.1`: one trace in ten)",
  },
} as const;
