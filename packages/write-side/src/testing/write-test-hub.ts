import { type ApiOptions, createApp, listen, type RunningServer } from "@uaip/api";
import { type Projector, startProjectors } from "@uaip/projector";
import { createTestHub, type TestHub } from "@uaip/testkit";
import type { WriteDeps } from "../write-deps.ts";
import { writeRouteSpecs } from "../write-route-specs.ts";

/** What one HTTP call answered. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the body holds
  readonly body: any;
}

/**
 * A test's own hub for the write side: an isolated namespace and database (testkit), the
 * real projectors (the Redis cache's too with `redisProjection`), and the API with the
 * write routes given through `deps.routes` (auth off unless `api` says otherwise), served
 * on a free port. The write routes are tested as the hub serves them (read back through
 * `GET /devices/{id}`, behind the API's keys), so this test helper, and only it, builds the
 * app: `@uaip/api` is a devDependency of the write side, never imported by its library code.
 */
export interface WriteTestHub extends AsyncDisposable {
  readonly t: TestHub;
  readonly deps: WriteDeps;
  readonly url: string;
  readonly projectors: readonly Projector[];
  http(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
  close(): Promise<void>;
}

export async function startWriteTestHub(
  opts: { batchWaitMs?: number; api?: Partial<ApiOptions>; redisProjection?: boolean } = {},
): Promise<WriteTestHub> {
  const t = await createTestHub();
  const running = startProjectors(
    { ...t, ...(opts.redisProjection ? {} : { redis: undefined }) },
    { batchSize: 500, batchWaitMs: opts.batchWaitMs ?? 10 },
  );
  const projectors = running.projectors;
  const deps: WriteDeps = {
    namespace: t.namespace,
    nc: t.nc,
    jsm: t.jsm,
    db: t.db,
    logger: t.logger,
  };
  const app = createApp({
    ...deps,
    logger: t.logger,
    redis: t.redis,
    routes: (s) => writeRouteSpecs({ ...s.deps, db: s.db }),
    options: { auth: "off", ...opts.api },
  });
  const server: RunningServer = await listen(app, "127.0.0.1", 0);
  const close = async () => {
    await server.close();
    await running.stop();
    await t.close();
  };
  return {
    t,
    deps,
    url: server.url,
    projectors,
    async http(method, path, body, headers = {}) {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined
          ? {}
          : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, headers: res.headers, body: parsed };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
