import { type StreamKind, StreamKinds, streamName } from "@uaip/events";
import { defineRoute, type Route, type RouteContext } from "@uaip/http-kit";
import { type ProjectionStatus, projectionStatus } from "@uaip/projector";
import { sql } from "kysely";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { projectionSources } from "../projection-sources.ts";

type Check = {
  status: "up" | "down" | "degraded";
  latencyMs?: number;
  error?: string;
  impact?: string;
};

const CHECK_TIMEOUT_MS = 2_000;

function within<T>(fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    fn(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
        CHECK_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await within(fn);
    return { status: "up", latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: "down", error: (err as Error).message };
  }
}

const CheckSchema = v.object({
  status: v.pipe(
    v.picklist(["up", "down", "degraded"]),
    v.description(
      "degraded: unreachable, but the API answers without it (Redis: reads use PostgreSQL)",
    ),
  ),
  latencyMs: v.optional(v.number()),
  error: v.optional(v.string()),
  impact: v.optional(v.pipe(v.string(), v.description("What works and what does not meanwhile"))),
});

const ProjectionCheckSchema = v.object({
  status: v.picklist(["up", "down"]),
  checkpoint: v.optional(v.number()),
  pending: v.optional(v.number()),
  lagSeconds: v.optional(v.number()),
  error: v.optional(v.string()),
});

const ReadySchema = v.pipe(
  v.object({
    status: v.pipe(
      v.picklist(["ready", "degraded", "not ready"]),
      v.description(
        "ready and degraded answer 200 (degraded: Redis is down, every route still answers); not ready answers 503",
      ),
    ),
    components: v.object({
      nats: CheckSchema,
      postgres: CheckSchema,
      redis: CheckSchema,
      streams: v.record(v.string(), CheckSchema),
      projections: v.record(v.string(), ProjectionCheckSchema),
    }),
  }),
  v.title("Readiness"),
);

/** `/health/live` (the process answers) and `/health/ready` (its dependencies do, and projections keep up). */
export function healthRoutes(s: ApiServices): Route[] {
  const { deps, options } = s;
  const scope = options.healthAuth ? "read" : null;

  const projectionChecks = async (): Promise<
    Record<string, v.InferOutput<typeof ProjectionCheckSchema>>
  > => {
    let status: ProjectionStatus[];
    const natsDown = s.nats.downReason();
    if (natsDown !== undefined) {
      return { all: { status: "down", error: `lag unknown: NATS is unreachable (${natsDown})` } };
    }
    try {
      // The Redis projection counts once it has started (its checkpoint exists).
      const sources = projectionSources(deps.redis, deps.namespace);
      const started = await Promise.all(
        sources.map(async (p) => !p.position || (await p.position()) !== undefined),
      );
      status = await within(() =>
        projectionStatus(
          s.db,
          deps.jsm,
          deps.namespace,
          sources.filter((_, i) => started[i]),
        ),
      );
    } catch (err) {
      return { all: { status: "down", error: (err as Error).message } };
    }
    return Object.fromEntries(
      status.map((p) => {
        const lagging = p.lagSeconds > options.readyMaxLagSeconds;
        // A checkpoint from another stream instance halts its projection: not ready.
        const error =
          p.fault ??
          (lagging
            ? `lags ${p.lagSeconds} s behind its stream (threshold ${options.readyMaxLagSeconds} s)`
            : undefined);
        return [
          p.name,
          {
            status: error === undefined ? "up" : "down",
            checkpoint: p.checkpoint,
            pending: p.pending,
            lagSeconds: p.lagSeconds,
            ...(error !== undefined && { error }),
          },
        ];
      }),
    );
  };

  const natsChecks = async (): Promise<[Check, ...Check[]]> => {
    const down = s.nats.downReason();
    // Known down: say so at once rather than wait out each check's timeout.
    if (down !== undefined) {
      const check: Check = { status: "down", error: down };
      return [check, ...StreamKinds.map(() => check)];
    }
    return Promise.all([
      timed(() => deps.nc.rtt()),
      ...StreamKinds.map((kind: StreamKind) =>
        timed(() => deps.jsm.streams.info(streamName(deps.namespace, kind))),
      ),
    ]) as Promise<[Check, ...Check[]]>;
  };

  const readiness = async (c: RouteContext) => {
    const [[nats, ...streams], postgres, redisCheck, projections] = await Promise.all([
      natsChecks(),
      timed(() => sql`select 1`.execute(s.db)),
      timed(() => deps.redis.ping()),
      projectionChecks(),
    ]);
    const redis: Check =
      redisCheck.status === "up"
        ? redisCheck
        : {
            ...redisCheck,
            status: "degraded",
            impact:
              "reads that Redis serves first (GET /devices/{id}, devices:batchGet) are served from PostgreSQL",
          };
    const components = {
      nats,
      postgres,
      redis,
      streams: Object.fromEntries(
        StreamKinds.map((k, i) => [streamName(deps.namespace, k), streams[i] as Check]),
      ),
      projections,
    };
    const ready =
      [nats, postgres, ...streams].every((check) => check.status === "up") &&
      Object.values(projections).every((p) => p.status === "up");
    const status = !ready ? "not ready" : redis.status === "up" ? "ready" : "degraded";
    return c.json({ status, components }, ready ? 200 : 503);
  };

  return [
    defineRoute({
      method: "get",
      path: "/health/live",
      operationId: "live",
      summary: "Liveness",
      description: "200 while the process runs.",
      tag: "health",
      scope,
      responses: { 200: { description: "Alive", schema: v.object({ status: v.literal("ok") }) } },
      handler: (c) => c.json({ status: "ok" }),
    }),
    defineRoute({
      method: "get",
      path: "/health/ready",
      operationId: "ready",
      summary: "Readiness",
      description: `Every component and its state: NATS, each stream, PostgreSQL, Redis (with latency) and each projection's lag (up to ${options.readyMaxLagSeconds} s). 503 "not ready" when NATS, a stream or PostgreSQL is down, or a projection lags or is halted on a checkpoint of another stream instance; 200 "degraded" when only Redis is down (reads fall back to PostgreSQL); 200 "ready" otherwise. See docs/faults.md, "API during outages".`,
      tag: "health",
      scope,
      responses: {
        200: { description: "Ready, or degraded (Redis down)", schema: ReadySchema },
        503: { description: "Not ready: the components say which and why", schema: ReadySchema },
      },
      handler: readiness,
    }),
    defineRoute({
      method: "get",
      path: "/health",
      operationId: "health",
      summary: "Health summary (the same answer as /health/ready)",
      description:
        "For people and monitors that look at `/health`: the readiness answer. Probes should use `/health/live` and `/health/ready`.",
      tag: "health",
      scope,
      responses: {
        200: { description: "Ready, or degraded (Redis down)", schema: ReadySchema },
        503: { description: "Not ready: the components say which and why", schema: ReadySchema },
      },
      handler: readiness,
    }),
  ];
}
