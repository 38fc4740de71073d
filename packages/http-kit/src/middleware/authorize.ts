import type { Context, MiddlewareHandler } from "hono";
import { clientAddress } from "../auth/client-address.ts";
import type { KeyGate } from "../auth/key-gate.ts";
import type { RouteEnv, Scope } from "../define-route.ts";
import { problems } from "../problem.ts";

/** The key in `Authorization: Bearer <key>` or `X-API-Key: <key>`, if any (`""`: a malformed bearer). */
export function presentedKey(c: Context): string | undefined {
  const bearer = c.req.header("authorization");
  if (bearer) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(bearer);
    return m?.[1] ?? "";
  }
  return c.req.header("x-api-key")?.trim() || undefined;
}

export interface AuthorizeOptions {
  /** The scope the route needs. */
  readonly scope: Scope;
  /** The key store and limiters, shared by every route (`keyGate`). */
  readonly gate: KeyGate;
}

/**
 * Lets the request through when its key is valid and holds `scope`, and the key is within
 * its rate: 401 without a valid key, 403 without the scope, 429 over the rate. Scopes are
 * explicit: a `write` key does not read unless it also has `read`. The verified key is in
 * `c.var.apiKey` afterwards.
 *
 * Each invalid key a client presents counts against its address; past the limit its keys
 * are no longer looked up (429, no query to the store), except keys this process verified
 * before: a client guessing keys cannot load the store, and a neighbour behind the same
 * address with a working key goes on working.
 *
 * @example
 * const gate = keyGate({ keys, failuresPerMinute: 60 });
 * app.get("/api/v1/keys", authorize({ scope: "admin", gate }), listKeys);
 */
export function authorize(options: AuthorizeOptions): MiddlewareHandler<RouteEnv> {
  const { scope, gate } = options;
  return async function authorizeMiddleware(c, next) {
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
    await next();
  };
}
