import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { type DeviceCache, deviceCache } from "@uaip/cache";
import type { Db } from "@uaip/platform";
import { type ApiOptions, resolveApiOptions } from "./api-options.ts";
import type { Gate } from "./auth/authorize.ts";
import { keyVerifier } from "./auth/key-verifier.ts";
import { rateLimiter } from "./auth/rate-limiter.ts";
import { type CheckpointGate, checkpointGate } from "./consistency/checkpoint-gate.ts";
import type { ApiDeps } from "./deps.ts";
import { timedDb } from "./metrics/timed-db.ts";
import { type NatsLink, natsLink } from "./nats-link.ts";

/**
 * Longest a JetStream API request of a route (stream info, message get, consumer create)
 * waits: an answer comes in milliseconds when NATS is up, so past this it is not coming.
 */
export const NatsApiTimeoutMs = 2_000;

/** What route modules get: the process's connections plus the API's own shared state. */
export interface ApiServices {
  readonly deps: ApiDeps;
  readonly options: ApiOptions;
  /** The read models, with every query timed. */
  readonly db: Db;
  /** JetStream for routes, its API requests bounded by `NatsApiTimeoutMs`. */
  readonly js: JetStreamClient;
  readonly jsm: Promise<JetStreamManager>;
  /** The NATS connection's state: routes that need the log answer 503 at once while it is down. */
  readonly nats: NatsLink;
  readonly cache: DeviceCache;
  readonly checkpoints: CheckpointGate;
  readonly gate: Gate;
}

/** Builds the shared state once per app. */
export function apiServices(deps: ApiDeps): ApiServices {
  const options = resolveApiOptions(deps.options);
  const db = timedDb(deps.db);
  return {
    deps,
    options,
    db,
    js: jetstream(deps.nc, { ...deps.jsm.getOptions(), timeout: NatsApiTimeoutMs }),
    // checkAPI: false makes no request, so this settles at once.
    jsm: jetstreamManager(deps.nc, {
      ...deps.jsm.getOptions(),
      timeout: NatsApiTimeoutMs,
      checkAPI: false,
    }),
    nats: natsLink(deps.nc),
    cache: deviceCache(deps.redis, deps.namespace),
    checkpoints: checkpointGate(db, options.readWaitMs),
    gate: {
      keys: keyVerifier(db, deps.logger, options.keyCacheMs),
      limiter: options.rateLimitPerSecond > 0 ? rateLimiter(options.rateLimitPerSecond) : undefined,
      rateLimitPerSecond: options.rateLimitPerSecond,
      failures:
        options.authFailuresPerMinute > 0
          ? rateLimiter(
              options.authFailuresPerMinute / 60,
              undefined,
              options.authFailuresPerMinute,
            )
          : undefined,
      failuresPerMinute: options.authFailuresPerMinute,
      trustedProxies: options.trustedProxies,
    },
  };
}
