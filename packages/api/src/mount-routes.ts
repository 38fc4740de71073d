import type { Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ApiServices } from "./api-services.ts";
import { authorize } from "./auth/authorize.ts";
import { parseMinSequence } from "./consistency/min-sequence.ts";
import { readWaits } from "./metrics/api-metrics.ts";
import { problems } from "./problem.ts";
import { readJsonBody, refuseBody } from "./request-body.ts";
import type { ApiEnv, ParsedInput, Route } from "./route-spec.ts";
import { parseOr400 } from "./validation.ts";

/** `/api/v1/devices/{id}` → `/api/v1/devices/:id`. */
export function honoPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/** `work`, or a 503 once `ms` have passed (`shownMs`: the deadline the message names). */
async function withDeadline<T>(work: Promise<T>, ms: number, shownMs = ms): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              problems.unavailable(
                `no answer within ${shownMs} ms: the read models' database or NATS is slow or unreachable`,
              ),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Mounts each route on the app. Per request, in this order: the scope check (401/403/429),
 * the body's media type (415: JSON only; none at all on a DELETE or POST that takes no
 * body), parsing of path, query, headers and body (400 naming each field), the wait for
 * `X-Min-Sequence` (503 when the projection stays behind), NATS for a route that needs the
 * log (503 at once while the connection is down), then the handler, all within
 * the request deadline (plus the wait a long-poll asked for) unless the route streams.
 */
export function mountRoutes(app: Hono<ApiEnv>, routes: readonly Route[], s: ApiServices): void {
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
  for (const route of routes) {
    const path = honoPath(route.path);
    if (route.body) {
      app.on(
        route.method.toUpperCase(),
        path,
        limit(Math.min(route.bodyLimitBytes ?? Infinity, s.options.bodyLimitBytes)),
      );
    }
    app.on(route.method.toUpperCase(), path, async (c) => {
      c.set("route", route.path);
      const prepare = async (): Promise<ParsedInput> => {
        if (route.scope !== null && s.options.auth === "required") {
          await authorize(c, route.scope, s.gate);
        }
        if (!route.body && route.method !== "get") refuseBody(c);
        const { min_seq, ...query } = c.req.query();
        const fromHeader = parseMinSequence(
          c.req.header("x-min-sequence"),
          s.deps.namespace,
          "header",
        );
        const minSeq = parseMinSequence(min_seq, s.deps.namespace, "query");
        for (const [k, seq] of fromHeader) minSeq.set(k, Math.max(minSeq.get(k) ?? 0, seq));
        return {
          params: route.params ? parseOr400(route.params, c.req.param(), "path") : undefined,
          query: route.query ? parseOr400(route.query, query, "query") : undefined,
          headers: route.headers ? parseOr400(route.headers, c.req.header(), "header") : undefined,
          body: route.body ? await readJsonBody(c, route.body) : undefined,
          minSeq,
        };
      };
      const needsNats = route.needsNats ?? route.scope === "write";
      const answer = async (input: ParsedInput) => {
        if (needsNats) s.nats.require();
        if (route.reads && input.minSeq.size > 0) {
          const started = performance.now();
          try {
            await s.checkpoints.require(route.reads, input.minSeq);
            readWaits.observe({ outcome: "caught_up" }, (performance.now() - started) / 1000);
          } catch (err) {
            readWaits.observe({ outcome: "behind" }, (performance.now() - started) / 1000);
            throw err;
          }
        }
        return route.handler(c, input);
      };
      if (route.streaming) return answer(await prepare());
      const started = Date.now();
      const timeout = s.options.requestTimeoutMs;
      const input = await withDeadline(prepare(), timeout);
      const total = timeout + (route.waitsUpToMs?.(input) ?? 0);
      return withDeadline(answer(input), total - (Date.now() - started), total);
    });
  }
}
