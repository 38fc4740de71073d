/** Token buckets, one per key. */
export interface RateLimiter {
  /** 0 when the request may go ahead (a token is taken), else how many seconds until it may. */
  take(key: string): number;
  /** Like `take`, but takes nothing: 0 while `key` has a token left. */
  wait(key: string): number;
}

/**
 * A token bucket per key: `perSecond` tokens a second, holding up to `burst` (by default
 * twice the rate), so a key may burst briefly but not sustain more. Buckets live in this
 * process (each hub process limits on its own); a bucket left full is dropped, so memory
 * follows the active keys.
 *
 * @example
 * const limiter = rateLimiter(50);
 * const wait = limiter.take(keyId); // > 0: answer 429 with Retry-After: wait
 */
export function rateLimiter(
  perSecond: number,
  now = () => performance.now(),
  burst = perSecond * 2,
): RateLimiter {
  const capacity = Math.max(1, burst);
  const buckets = new Map<string, { tokens: number; at: number }>();
  let lastSweep = now();
  const refill = (key: string) => {
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
    return b;
  };
  const waitFor = (b: { tokens: number }) =>
    b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  return {
    take(key) {
      const b = refill(key);
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return waitFor(b);
    },
    wait(key) {
      const b = refill(key);
      if (buckets.has(key)) buckets.set(key, b);
      return waitFor(b);
    },
  };
}
