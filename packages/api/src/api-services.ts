import type { JetStreamClient } from "@nats-io/jetstream";
import { type DeviceCache, deviceCache } from "@uaip/cache";
import type { Db } from "@uaip/platform";
import { type ApiOptions, resolveApiOptions } from "./api-options.ts";
import type { Gate } from "./auth/authorize.ts";
import { keyVerifier } from "./auth/key-verifier.ts";
import { rateLimiter } from "./auth/rate-limiter.ts";
import { type CheckpointGate, checkpointGate } from "./consistency/checkpoint-gate.ts";
import type { ApiDeps } from "./deps.ts";
import { timedDb } from "./metrics/timed-db.ts";

/** What route modules get: the process's connections plus the API's own shared state. */
export interface ApiServices {
  readonly deps: ApiDeps;
  readonly options: ApiOptions;
  /** The read models, with every query timed. */
  readonly db: Db;
  readonly js: JetStreamClient;
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
    js: deps.jsm.jetstream(),
    cache: deviceCache(deps.redis, deps.namespace),
    checkpoints: checkpointGate(db, options.readWaitMs),
    gate: {
      keys: keyVerifier(db, deps.logger, options.keyCacheMs),
      limiter: options.rateLimitPerSecond > 0 ? rateLimiter(options.rateLimitPerSecond) : undefined,
      rateLimitPerSecond: options.rateLimitPerSecond,
    },
  };
}
