import { type Db, isPostgresUnavailable, type Logger } from "@uaip/platform";

import { postgresUnavailable } from "../dependency-problems.ts";
import { type ApiKeyInfo, findApiKey, touchApiKey } from "./api-keys.ts";

/** Checks presented keys, trusting a verified one for `cacheMs` so a request costs no query. */
export interface KeyVerifier {
  /**
   * The key's record when it is valid and not revoked; `undefined` otherwise. While
   * PostgreSQL is unreachable a key verified before still verifies; any other key is a
   * 503 (`HttpProblem`), not a 401: nobody can tell whether it is valid.
   */
  verify(key: string): Promise<ApiKeyInfo | undefined>;
  /** Whether `key` verified before in this process (and was not seen revoked since). */
  isKnown(key: string): boolean;
  /** Forgets a key at once (revoked through this process). */
  forget(id: string): void;
}

const touchEveryMs = 60_000;
const maxCached = 10_000;
/** How long a lookup may take before a key verified earlier is trusted instead. */
const staleAfterMs = 1_000;

type Lookup = { ok: true; info: ApiKeyInfo | undefined } | { ok: false; err: unknown };

/**
 * Verified keys are cached by the key itself (already in every request's headers), so a
 * hit costs no hash. Only keys that verified are cached, so a flood of made-up keys cannot
 * grow memory; each costs one indexed lookup (the failed-authentication limiter bounds
 * those). `last_used_at` is written at most once a minute per key, off the request path.
 *
 * An expired entry is kept as the key's last successful verification: when PostgreSQL
 * cannot answer (refused, or no answer within a second), the key keeps working from it, so
 * an outage of the database does not lock out clients it already knew. A lookup that
 * answers "no such live key" drops the entry at once: a key seen revoked is never served
 * from memory again.
 *
 * @example
 * const keys = keyVerifier(db, logger, 5_000);
 * const info = await keys.verify(bearerToken); // undefined: 401
 */
export function keyVerifier(db: Db, logger: Logger, cacheMs: number): KeyVerifier {
  const cache = new Map<string, { info: ApiKeyInfo; until: number }>();
  const touched = new Map<string, number>();
  const inFlight = new Map<string, Promise<Lookup>>();

  const lookup = (key: string): Promise<Lookup> => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = findApiKey(db, key).then(
      (info): Lookup => {
        if (info) {
          if (cache.size >= maxCached && !cache.has(key)) cache.clear();
          cache.set(key, { info, until: Date.now() + cacheMs });
        } else cache.delete(key);
        return { ok: true, info };
      },
      (err): Lookup => ({ ok: false, err }),
    );
    inFlight.set(key, started);
    void started.finally(() => inFlight.delete(key));
    return started;
  };

  const fromLookup = async (key: string): Promise<ApiKeyInfo | undefined> => {
    const known = cache.get(key)?.info;
    // A known key whose lookup is already stuck answers from memory at once.
    if (known && inFlight.has(key)) return known;
    const pending = lookup(key);
    let timer: NodeJS.Timeout | undefined;
    const result = known
      ? await Promise.race([
          pending,
          new Promise<"slow">((r) => {
            timer = setTimeout(() => r("slow"), staleAfterMs);
          }),
        ]).finally(() => clearTimeout(timer))
      : await pending;
    if (result === "slow") {
      logger.warn({ keyId: known?.id }, "API key lookup slow; trusting its last verification");
      return known;
    }
    if (result.ok) return result.info;
    if (!isPostgresUnavailable(result.err)) throw result.err;
    if (known) {
      logger.warn(
        { keyId: known.id },
        "PostgreSQL unreachable; trusting the key's last verification",
      );
      return known;
    }
    throw postgresUnavailable("this API key was not verified before and cannot be checked now");
  };

  return {
    async verify(key) {
      const now = Date.now();
      const hit = cache.get(key);
      const info = hit && hit.until > now ? hit.info : await fromLookup(key);
      if (!info) return undefined;
      if ((touched.get(info.id) ?? 0) + touchEveryMs < now) {
        touched.set(info.id, now);
        touchApiKey(db, info.id).catch((err) =>
          logger.debug({ err: (err as Error).message }, "could not record key use"),
        );
      }
      return info;
    },
    isKnown(key) {
      return cache.has(key);
    },
    forget(id) {
      for (const [key, entry] of cache) if (entry.info.id === id) cache.delete(key);
    },
  };
}
