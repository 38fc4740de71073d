import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { type DeviceCache, deviceCache } from "@uaip/cache";
import { type KeyGate, keyGate } from "@uaip/http-kit";
import { type ApiOptions, resolveApiOptions } from "./api-options.ts";
import { type KeyVerifier, keyVerifier } from "./auth/key-verifier.ts";
import { type CheckpointGate, checkpointGate } from "./consistency/checkpoint-gate.ts";
import type { ApiDeps, RouteHost } from "./deps.ts";
import { timedDb } from "./metrics/timed-db.ts";
import { type NatsLink, natsLink } from "./nats-link.ts";

/**
 * Longest a JetStream API request of a route (stream info, message get, consumer create)
 * waits: an answer comes in milliseconds when NATS is up, so past this it is not coming.
 */
export const NatsApiTimeoutMs = 2_000;

/** What route modules get: the process's connections plus the API's own shared state. */
export interface ApiServices extends RouteHost {
  readonly options: ApiOptions;
  /** JetStream for routes, its API requests bounded by `NatsApiTimeoutMs`. */
  readonly js: JetStreamClient;
  readonly jsm: Promise<JetStreamManager>;
  /** The NATS connection's state: routes that need the log answer 503 at once while it is down. */
  readonly nats: NatsLink;
  readonly cache: DeviceCache;
  readonly checkpoints: CheckpointGate;
  /** The keys (PostgreSQL behind a cache) and the limiters every route's `authorize` shares. */
  readonly gate: KeyGate & { readonly keys: KeyVerifier };
}

/** Builds the shared state once per app. */
export function apiServices(deps: ApiDeps): ApiServices {
  const options = resolveApiOptions(deps.options);
  const db = timedDb(deps.db);
  const keys = keyVerifier(db, deps.logger, options.keyCacheMs);
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
      ...keyGate({
        keys,
        rateLimitPerSecond: options.rateLimitPerSecond,
        failuresPerMinute: options.authFailuresPerMinute,
        trustedProxies: options.trustedProxies,
      }),
      keys,
    },
  };
}
