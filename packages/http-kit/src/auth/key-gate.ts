import type { VerifiedKey } from "../define-route.ts";
import { type RateLimiter, rateLimiter } from "./rate-limiter.ts";

/** The key store as `authorize` uses it: a port, so the kit needs no database. */
export interface KeyLookup {
  /**
   * The key's record when it is valid and not revoked, else `undefined`. May throw an
   * HttpProblem (a 503 when the store cannot tell).
   */
  verify(key: string): Promise<VerifiedKey | undefined>;
  /** Whether `key` verified before in this process: such keys skip the failed-authentication limit. */
  isKnown(key: string): boolean;
}

/** What the `authorize` of every route shares: the key store and the limiters' buckets. */
export interface KeyGate {
  readonly keys: KeyLookup;
  /** Requests per key; undefined: not limited. */
  readonly limiter: RateLimiter | undefined;
  readonly rateLimitPerSecond: number;
  /** Failed authentications by client address; undefined: not limited. */
  readonly failures: RateLimiter | undefined;
  readonly failuresPerMinute: number;
  readonly trustedProxies: readonly string[];
}

export interface KeyGateOptions {
  readonly keys: KeyLookup;
  /** Requests per second per key, bursts to twice that; 0 (the default): no limit. */
  readonly rateLimitPerSecond?: number;
  /** Invalid keys a client address may present a minute before 429; 0 (the default): no limit. */
  readonly failuresPerMinute?: number;
  /** Proxies whose `X-Forwarded-For` names the client (see `clientAddress`). */
  readonly trustedProxies?: readonly string[];
}

/**
 * Builds the gate once per app, so every route's `authorize` counts into the same buckets.
 *
 * @example
 * const gate = keyGate({ keys: keyVerifier(db, logger, 5_000), rateLimitPerSecond: 50 });
 * app.get("/api/v1/devices", authorize({ scope: "read", gate }), listDevices);
 */
export function keyGate(options: KeyGateOptions): KeyGate {
  const perSecond = options.rateLimitPerSecond ?? 0;
  const perMinute = options.failuresPerMinute ?? 0;
  return {
    keys: options.keys,
    limiter: perSecond > 0 ? rateLimiter(perSecond) : undefined,
    rateLimitPerSecond: perSecond,
    failures: perMinute > 0 ? rateLimiter(perMinute / 60, undefined, perMinute) : undefined,
    failuresPerMinute: perMinute,
    trustedProxies: options.trustedProxies ?? [],
  };
}
