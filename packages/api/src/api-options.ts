import type { HubConfig } from "@uaip/platform";

/** The fields the environment sets (see the config table). */
type ConfiguredApiOptions = HubConfig["api"];

/**
 * How the API behaves, as the process's configuration decides it. Every field has a
 * default (see `defaultApiOptions`), so tests and embedders pass only what they change.
 */
export interface ApiOptions extends ConfiguredApiOptions {
  /** Server-Sent Events: heartbeat period, and the most a slow client may have queued before it is dropped. */
  readonly sse: { readonly heartbeatMs: number; readonly maxBufferBytes: number };
}

export const defaultApiOptions: ApiOptions = {
  auth: "required",
  rateLimitPerSecond: 0,
  bodyLimitBytes: 1024 * 1024,
  corsOrigins: [],
  metricsAuth: false,
  healthAuth: false,
  readWaitMs: 5_000,
  readyMaxLagSeconds: 60,
  requestTimeoutMs: 15_000,
  keyCacheMs: 5_000,
  authFailuresPerMinute: 60,
  trustedProxies: [],
  sse: { heartbeatMs: 15_000, maxBufferBytes: 1024 * 1024 },
};

/** The defaults with `given` over them (`sse` merged field by field). */
export function resolveApiOptions(given: Partial<ApiOptions> = {}): ApiOptions {
  return {
    ...defaultApiOptions,
    ...given,
    sse: { ...defaultApiOptions.sse, ...given.sse },
  };
}
