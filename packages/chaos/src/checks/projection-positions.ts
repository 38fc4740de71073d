import type { StreamKind } from "@uaip/events";
import { cacheKeys, projections } from "@uaip/projections";
import type { ChaosEnv } from "../scenario/chaos-env.ts";

/** Where one projection stands against its stream. */
export interface ProjectionPosition {
  readonly name: string;
  readonly stream: StreamKind;
  /** Its checkpoint; undefined while its store cannot be read (or before it started). */
  readonly checkpoint: number | undefined;
}

/** Every projection the hub runs: the PostgreSQL ones, and the Redis caches (checkpoint in Redis). */
export const projectionStreams: readonly { name: string; stream: StreamKind }[] = [
  ...projections.map((p) => ({ name: p.name, stream: p.stream })),
  { name: "redis", stream: "devices" },
];

/** Each projection's checkpoint now; one that cannot be read (its store is down) is undefined. */
export async function projectionPositions(env: ChaosEnv): Promise<ProjectionPosition[]> {
  const [rows, redis] = await Promise.all([
    env.db
      .selectFrom("projection_checkpoints")
      .select(["name", "position"])
      .execute()
      .catch(() => undefined),
    env.redis.get(cacheKeys(env.namespace).checkpoint).catch(() => null),
  ]);
  return projectionStreams.map((p) => ({
    ...p,
    checkpoint:
      p.name === "redis"
        ? redis === null
          ? undefined
          : Number(redis)
        : rows?.find((r) => r.name === p.name)?.position,
  }));
}

/** Each stream's last sequence now. */
export async function streamHeads(env: ChaosEnv): Promise<Map<StreamKind, number>> {
  const kinds = [...new Set(projectionStreams.map((p) => p.stream))];
  const heads = new Map<StreamKind, number>();
  for (const kind of kinds)
    heads.set(kind, (await env.jsm.streams.info(env.stream(kind))).state.last_seq);
  return heads;
}

/** The projections whose checkpoint has not reached `heads` yet, with how far they are. */
export function behind(
  positions: readonly ProjectionPosition[],
  heads: ReadonlyMap<StreamKind, number>,
): string[] {
  return positions
    .filter((p) => (p.checkpoint ?? -1) < (heads.get(p.stream) ?? 0))
    .map((p) => `${p.name} at ${p.checkpoint ?? "?"} of ${heads.get(p.stream)}`);
}

/**
 * Waits until every projection's checkpoint has reached the stream heads read when it
 * is called (events published later need not be folded yet): the recovery point of a
 * fault that ended just before. Resolves with the milliseconds it took from `since`, or
 * rejects naming the projections still behind after `timeoutMs`.
 */
export async function waitCaughtUp(
  env: ChaosEnv,
  opts: { since?: number; timeoutMs?: number } = {},
): Promise<number> {
  const noProjector = () => !env.hubs.some((h) => h.alive && h.parts.includes("projectors"));
  const since = opts.since ?? Date.now();
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let heads: Map<StreamKind, number> | undefined;
  let lagging: string[] = ["(stream heads unknown: NATS not answering)"];
  for (;;) {
    try {
      heads ??= await streamHeads(env);
      lagging = behind(await projectionPositions(env), heads);
      if (lagging.length === 0) return Date.now() - since;
    } catch {
      // NATS still reconnecting: try again.
    }
    // With no projector process left, waiting longer cannot help.
    if (noProjector() && Date.now() - since > 5_000)
      throw new Error(
        `projections not caught up and no projector process runs: ${lagging.join(", ")}`,
      );
    if (Date.now() > deadline)
      throw new Error(
        `projections not caught up after ${opts.timeoutMs ?? 120_000} ms: ${lagging.join(", ")}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
