import type { Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { KeyGate } from "./auth/key-gate.ts";
import type { ParsedInput, Route, RouteEnv } from "./define-route.ts";
import {
  type ErrorLog,
  errorHandler,
  type ProblemMapping,
  routeNotFound,
} from "./error-handler.ts";
import { authorize } from "./middleware/authorize.ts";
import { deadline } from "./middleware/deadline.ts";
import { noBody } from "./middleware/no-body.ts";
import { type ProjectionWait, readYourWrites } from "./middleware/read-your-writes.ts";
import { requestInput } from "./middleware/request-input.ts";
import { problems } from "./problem.ts";

/** How the app's routes behave; the ports are what the kit cannot do without I/O. */
export interface MountOptions {
  /** The hub's namespace (`X-Min-Sequence` may name a stream in full). */
  readonly namespace: string;
  /** Keys and limiters; absent: no key is asked for (local development only). */
  readonly auth?: KeyGate;
  /** Largest body any route takes (larger: 413). Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Request deadline (streams excepted), in ms. Default 15 000. */
  readonly requestTimeoutMs?: number;
  /** What a 503 at the deadline says is likely at fault. */
  readonly timeoutReason?: string;
  /** Read your writes: waits for the projections a route reads. Absent: `X-Min-Sequence` is parsed, not waited for. */
  readonly waitForProjections?: ProjectionWait;
  /** Throws a 503 at once while the event log is known to be unreachable (routes with `needsNats`). */
  readonly requireNats?: () => void;
  /** Errors of the app's own, as problems: tried after those the routes declare (theirs are narrower). */
  readonly problems?: readonly ProblemMapping[];
  /** Where unexpected errors are logged. */
  readonly logger?: ErrorLog;
}

/** `/api/v1/devices/{id}` → `/api/v1/devices/:id`. */
export function honoPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/**
 * Mounts each route on the app, and the app's error handler (the problems every route
 * declares, then those in `options`) and 404. Per request, in this order: the body's size
 * (413, on routes that take one), the deadline (unless the route streams), the scope
 * (401/403/429), no body where none is taken (415), parsing of `X-Min-Sequence`, path,
 * query, headers and body (400 naming each field, 415 for a body that is not JSON), NATS
 * for a route that needs the log (503 at once while it is down), the wait for
 * `X-Min-Sequence` (503 when the projection stays behind), then the handler.
 *
 * @example
 * const app = new Hono<RouteEnv>().use(requestId()).use(urlGuard());
 * mountRoutes(app, [...deviceRoutes, ...writeRoutes], { namespace, auth: keyGate({ keys }) });
 */
export function mountRoutes(
  app: Hono<RouteEnv>,
  routes: readonly Route[],
  options: MountOptions,
): void {
  // Only routes that take a body check its size: reading the raw request costs every other
  // request a full Request object.
  const limits = new Map<number, MiddlewareHandler>();
  const limit = (bytes: number) => {
    let mw = limits.get(bytes);
    if (!mw) {
      mw = bodyLimit({
        maxSize: bytes,
        onError: () => {
          throw problems.payloadTooLarge(bytes);
        },
      });
      limits.set(bytes, mw);
    }
    return mw;
  };
  const maxBody = options.bodyLimitBytes ?? 1024 * 1024;
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const path = honoPath(route.path);
    if (route.body) app.on(method, path, limit(Math.min(route.bodyLimitBytes ?? maxBody, maxBody)));
    const [first, ...rest] = routeChain(route, options);
    app.on(method, path, first!, ...rest);
  }
  const declared = routes.flatMap((r) => (r.problems ? [r.problems] : []));
  app.notFound(routeNotFound);
  app.onError(
    errorHandler({
      problems: [...new Set(declared), ...(options.problems ?? [])],
      ...(options.logger && { logger: options.logger }),
    }),
  );
}

/** The middleware one route runs, in order, ending with its handler. */
function routeChain(route: Route, o: MountOptions): MiddlewareHandler<RouteEnv>[] {
  const chain: MiddlewareHandler<RouteEnv>[] = [
    async function routeLabel(c, next) {
      c.set("route", route.path);
      await next();
    },
  ];
  if (!route.streaming) {
    const waits = route.waitsUpToMs;
    chain.push(
      deadline({
        ...(o.requestTimeoutMs !== undefined && { ms: o.requestTimeoutMs }),
        ...(o.timeoutReason !== undefined && { reason: o.timeoutReason }),
        ...(waits && {
          extraMs: (c) => {
            const input = c.get("input");
            return input ? waits(input) : 0;
          },
        }),
      }),
    );
  }
  if (route.scope !== null && o.auth) chain.push(authorize({ scope: route.scope, gate: o.auth }));
  if (!route.body && route.method !== "get") chain.push(noBody());
  chain.push(requestInput(route, o.namespace));
  const requireNats = o.requireNats;
  if ((route.needsNats ?? route.scope === "write") && requireNats) {
    chain.push(async function natsUp(_c, next) {
      requireNats();
      await next();
    });
  }
  if (route.reads && o.waitForProjections) {
    chain.push(
      readYourWrites({ reads: route.reads, wait: o.waitForProjections, namespace: o.namespace }),
    );
  }
  chain.push(async (c) => route.handler(c, c.get("input") as ParsedInput));
  return chain;
}
