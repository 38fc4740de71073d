import { type StreamKind, StreamKinds, streamName } from "@uaip/events";
import { Hono } from "hono";
import { sql } from "kysely";
import type { ApiDeps } from "../deps.ts";

type Check = { status: "up" | "down"; latencyMs?: number; error?: string };

const CHECK_TIMEOUT_MS = 2_000;

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: "up", latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    return { status: "down", error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** `/health/live` (the process answers) and `/health/ready` (its dependencies do). */
export function healthRoutes(deps: ApiDeps) {
  return new Hono()
    .get("/live", (c) => c.json({ status: "ok" }))
    .get("/ready", async (c) => {
      const [nats, postgres, redis, ...streams] = await Promise.all([
        timed(() => deps.nc.rtt()),
        timed(() => sql`select 1`.execute(deps.db)),
        timed(() => deps.redis.ping()),
        ...StreamKinds.map((kind: StreamKind) =>
          timed(() => deps.jsm.streams.info(streamName(deps.namespace, kind))),
        ),
      ]);
      const components = {
        nats: nats!,
        postgres: postgres!,
        redis: redis!,
        streams: Object.fromEntries(
          StreamKinds.map((k, i) => [streamName(deps.namespace, k), streams[i]!]),
        ),
      };
      const ready = [nats, postgres, redis, ...streams].every((check) => check?.status === "up");
      return c.json({ status: ready ? "ready" : "not ready", components }, ready ? 200 : 503);
    });
}
