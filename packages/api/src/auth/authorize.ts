import { problems } from "../problem.ts";
import type { ApiContext, Scope } from "../route-spec.ts";
import { clientAddress } from "./client-address.ts";
import type { KeyVerifier } from "./key-verifier.ts";
import type { RateLimiter } from "./rate-limiter.ts";

/** The key in `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any. */
export function presentedKey(c: ApiContext): string | undefined {
  const bearer = c.req.header("authorization");
  if (bearer) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(bearer);
    return m?.[1] ?? "";
  }
  return c.req.header("x-api-key")?.trim() || undefined;
}

export interface Gate {
  readonly keys: KeyVerifier;
  readonly limiter: RateLimiter | undefined;
  readonly rateLimitPerSecond: number;
  /** Failed authentications by client address; undefined: not limited. */
  readonly failures: RateLimiter | undefined;
  readonly failuresPerMinute: number;
  readonly trustedProxies: readonly string[];
}

/**
 * Lets the request through when its key is valid and holds `scope`, and the key is within
 * its rate: 401 without a valid key, 403 without the scope, 429 over the rate. Scopes are
 * explicit: a `write` key does not read unless it also has `read`.
 *
 * Each invalid key a client presents counts against its address; past the limit its keys
 * are no longer looked up (429, no PostgreSQL query), except keys this process verified
 * before (at most one lookup per key and `keyCacheMs`): a client guessing keys cannot load
 * the database, and a neighbour behind the same address with a working key goes on working.
 */
export async function authorize(c: ApiContext, scope: Scope, gate: Gate): Promise<void> {
  const key = presentedKey(c);
  if (key === undefined) {
    throw problems.unauthorized(
      "this route needs an API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`",
    );
  }
  const client = gate.failures && clientAddress(c, gate.trustedProxies);
  if (client !== undefined && !gate.keys.isKnown(key)) {
    const wait = gate.failures?.wait(client) ?? 0;
    if (wait > 0) throw problems.tooManyFailedAuthentications(wait, gate.failuresPerMinute);
  }
  const info = key === "" ? undefined : await gate.keys.verify(key);
  if (!info) {
    if (client !== undefined) gate.failures?.take(client);
    throw problems.unauthorized("the API key is not valid (unknown or revoked)");
  }
  c.set("apiKey", info);
  if (!info.scopes.includes(scope)) {
    throw problems.forbidden(
      `this route needs the "${scope}" scope; key ${info.id} has ${info.scopes.map((s) => `"${s}"`).join(", ") || "none"}`,
      { requiredScope: scope, keyScopes: info.scopes },
    );
  }
  const wait = gate.limiter?.take(info.id) ?? 0;
  if (wait > 0) throw problems.tooManyRequests(wait, gate.rateLimitPerSecond);
}
