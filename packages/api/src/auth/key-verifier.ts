import type { Db, Logger } from "@uaip/platform";
import { type ApiKeyInfo, findApiKey, touchApiKey } from "./api-keys.ts";

/** Checks presented keys, trusting a verified one for `cacheMs` so a request costs no query. */
export interface KeyVerifier {
  /** The key's record when it is valid and not revoked; `undefined` otherwise. */
  verify(key: string): Promise<ApiKeyInfo | undefined>;
  /** Forgets a key at once (revoked through this process). */
  forget(id: string): void;
}

const touchEveryMs = 60_000;
const maxCached = 10_000;

/**
 * Verified keys are cached by the key itself (already in every request's headers), so a
 * hit costs no hash. Only keys that verified are cached, so a flood of made-up keys cannot grow memory; each
 * costs one indexed lookup. `last_used_at` is written at most once a minute per key, off the
 * request path.
 *
 * @example
 * const keys = keyVerifier(db, logger, 5_000);
 * const info = await keys.verify(bearerToken); // undefined: 401
 */
export function keyVerifier(db: Db, logger: Logger, cacheMs: number): KeyVerifier {
  const cache = new Map<string, { info: ApiKeyInfo; until: number }>();
  const touched = new Map<string, number>();
  return {
    async verify(key) {
      const now = Date.now();
      const hit = cache.get(key);
      let info = hit && hit.until > now ? hit.info : undefined;
      if (!info) {
        cache.delete(key);
        info = await findApiKey(db, key);
        if (!info) return undefined;
        if (cache.size >= maxCached) cache.clear();
        cache.set(key, { info, until: now + cacheMs });
      }
      if ((touched.get(info.id) ?? 0) + touchEveryMs < now) {
        touched.set(info.id, now);
        touchApiKey(db, info.id).catch((err) =>
          logger.debug({ err: (err as Error).message }, "could not record key use"),
        );
      }
      return info;
    },
    forget(id) {
      for (const [key, entry] of cache) if (entry.info.id === id) cache.delete(key);
    },
  };
}
