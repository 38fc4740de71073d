/**
 * How the API behaves, as the process's configuration decides it. Every field has a
 * default (see `defaultApiOptions`), so tests and embedders pass only what they change.
 */
export interface ApiOptions {
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
