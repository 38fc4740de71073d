import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { streamName } from "@uaip/events";
import type { Db, Logger } from "@uaip/platform";
import { projections, redisProjectionTarget } from "@uaip/projections";
import type { Redis } from "ioredis";
import { postgresTarget } from "./postgres-target.ts";
import { Projector } from "./projector.ts";

export interface ProjectorsDeps {
  readonly db: Db;
  /** The Redis caches' store; without it only the PostgreSQL read models run. */
  readonly redis?: Redis;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  readonly logger: Logger;
}

export interface ProjectorsSettings {
  readonly batchSize: number;
  readonly batchWaitMs: number;
  /** With a lease, several processes run the projectors and one applies each at a time. */
  readonly lease?: { readonly owner: string; readonly ttlMs: number };
}

/** Every projection of the hub running in this process; stopping stops them all. */
export interface RunningProjectors extends AsyncDisposable {
  readonly projectors: readonly Projector[];
  /** Resolves once every projector has applied its stream up to its last sequence now. */
  caughtUp(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts one worker per read model: every PostgreSQL projection and, given Redis, the
 * Redis caches (their checkpoint in Redis; while Redis is down they retry, and an emptied
 * Redis is refolded from the start). The Redis caches leave dead letters to the PostgreSQL
 * projection of the same stream, so each bad event is reported once per store.
 *
 * @example
 * await using running = startProjectors({ db, redis, js, jsm, namespace, logger }, { batchSize: 500, batchWaitMs: 20 });
 */
export function startProjectors(
  deps: ProjectorsDeps,
  settings: ProjectorsSettings,
): RunningProjectors {
  const targets = projections.map((p) => postgresTarget(deps.db, p));
  if (deps.redis)
    targets.push(redisProjectionTarget(deps.redis, deps.namespace, { jsm: deps.jsm }));
  const running = targets.map((target) =>
    Projector.start({
      target,
      namespace: deps.namespace,
      js: deps.js,
      jsm: deps.jsm,
      logger: deps.logger,
      batchSize: settings.batchSize,
      batchWaitMs: settings.batchWaitMs,
      deadLetters: target.name !== "redis",
      ...(settings.lease ? { lease: { db: deps.db, ...settings.lease } } : {}),
    }),
  );
  const streamOf = new Map(targets.map((t) => [t.name, streamName(deps.namespace, t.stream)]));
  const stop = async () => {
    await Promise.all(running.map((p) => p.stop()));
  };
  return {
    projectors: running,
    async caughtUp(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const behind: string[] = [];
        for (const p of running) {
          const last = (await deps.jsm.streams.info(streamOf.get(p.name)!)).state.last_seq;
          if (p.position < last) behind.push(`${p.name} at ${p.position} of ${last}`);
        }
        if (behind.length === 0) return;
        if (Date.now() > deadline)
          throw new Error(`projections not caught up after ${timeoutMs} ms: ${behind.join(", ")}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
