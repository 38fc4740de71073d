/** Per-key token buckets. */
export interface RateLimiter {
  /** 0 when the request may go ahead, else how many seconds until it may. */
  take(key: string): number;
}

/**
 * A token bucket per key: `perSecond` tokens a second, holding up to twice that, so a key
 * may burst briefly but not sustain more. Buckets live in this process (each hub process
 * limits on its own); a bucket left full is dropped, so memory follows the active keys.
 *
 * @example
 * const limiter = rateLimiter(50);
 * const wait = limiter.take(keyId); // > 0: answer 429 with Retry-After: wait
 */
export function rateLimiter(perSecond: number, now = () => performance.now()): RateLimiter {
  const capacity = perSecond * 2;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  return {
    take(key) {
      const t = now();
      if (t - lastSweep > 60_000) {
        lastSweep = t;
        for (const [k, b] of buckets) {
          if (b.tokens + ((t - b.at) / 1000) * perSecond >= capacity) buckets.delete(k);
        }
      }
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      b.tokens = Math.min(capacity, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
  };
}
