import { finalChecks } from "../checks/final-checks.ts";
import { projectionPositions, streamHeads, waitCaughtUp } from "../checks/projection-positions.ts";
import { redisMismatches } from "../checks/redis-matches.ts";
import type { ApiClient } from "../hub/api-client.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Rng } from "../rng.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { seconds, settleLoad, sleep } from "./load-phase.ts";

const sizes = {
  full: { devices: 200, before: 20_000, after: 10_000, rate: 2_000, readers: 3, refillMs: 60_000 },
  quick: { devices: 50, before: 5_000, after: 2_500, rate: 1_000, readers: 2, refillMs: 30_000 },
};

/** One read that went back in time: an older version than this reader had already seen. */
interface StaleRead {
  readonly id: string;
  readonly got: number | null;
  readonly seen: number;
  readonly atSeconds: number;
}

interface Readers {
  reads(): number;
  readonly stale: StaleRead[];
  readonly statuses: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Per device, the highest version any read had returned by each moment: completions are
 * appended in the order they happen, each with the running maximum.
 */
function versionsSeen() {
  const byDevice = new Map<string, { at: number; max: number }[]>();
  return {
    /** The highest version returned by reads that had completed before `t`. */
    before(id: string, t: number): number | undefined {
      const list = byDevice.get(id) ?? [];
      for (let i = list.length - 1; i >= 0; i--) if ((list[i]?.at ?? 0) < t) return list[i]?.max;
      return undefined;
    },
    record(id: string, at: number, version: number): void {
      const list = byDevice.get(id) ?? [];
      const max = Math.max(version, list.at(-1)?.max ?? 0);
      if (list.at(-1)?.max !== max) list.push({ at, max });
      byDevice.set(id, list);
    },
  };
}

/**
 * Readers of `GET /api/v1/devices/{id}` (Redis first, PostgreSQL when Redis misses). A read
 * is stale when it returns a lower version (or no device) than a read that had completed
 * before it started: what a client could have seen already.
 */
function startReaders(
  api: ApiClient,
  ids: readonly string[],
  n: number,
  rng: Rng,
  t0: number,
): Readers {
  const seen = versionsSeen();
  const stale: StaleRead[] = [];
  const statuses: Record<string, number> = {};
  let reads = 0;
  let stopped = false;
  const loops = Array.from({ length: n }, async () => {
    while (!stopped) {
      const id = rng.pick(ids);
      const startedAt = Date.now();
      const r = await api.get(`/api/v1/devices/${id}`, 10_000);
      reads++;
      statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
      const version = r.status === 200 ? Number(r.body?.version) : null;
      const before = seen.before(id, startedAt);
      if (
        before !== undefined &&
        (r.status === 200 || r.status === 404) &&
        (version ?? -1) < before
      )
        stale.push({ id, got: version, seen: before, atSeconds: (startedAt - t0) / 1000 });
      if (version !== null) seen.record(id, Date.now(), version);
      if (r.status !== 200) await sleep(50);
    }
  });
  return {
    reads: () => reads,
    stale,
    statuses,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * Redis restarted without persistence (it comes back empty) after a load, with readers of
 * `GET /api/v1/devices/{id}` running the whole time. No read may return a lower version
 * than one seen before, and the cache must refill from the log without any new event;
 * then a second load runs through the refilled cache.
 */
export const redisRestart: Scenario = {
  name: "redis-restart",
  fault: "redis-server killed and restarted empty (no persistence) under reads",
  expects:
    "no read returns an older version than one seen before; the cache refills from the log with no new event",
  async run(ctx) {
    const size = ctx.quick ? sizes.quick : sizes.full;
    const env = await ctx.open();
    // No dispatcher part: its presence watchdog would append "offline" events for silent
    // devices, and the refill below must happen with no new event at all.
    const hub = await env.startHub("hub", ["api", "projectors"]);
    const api = await env.api(hub);
    await using fleet = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      prefix: "rr",
      devices: size.devices,
      rng: ctx.rng,
    });
    await fleet.register();
    ctx.record.eventsSent += fleet.ids.length;
    ctx.record.eventsAcked += fleet.ids.length;
    const t0 = Date.now();
    const readers = startReaders(api, fleet.ids, size.readers, ctx.rng, t0);

    ctx.step(`load 1: ${size.before} events at ${size.rate} ev/s, mostly status changes`);
    await settleLoad(
      fleet.run({ events: size.before, rate: size.rate, statusShare: 0.8 }),
      ctx.record,
      ctx.step,
    );
    await waitCaughtUp(env, { timeoutMs: 120_000 });
    const head = (await streamHeads(env)).get("devices") ?? 0;
    ctx.step(
      `caught up at devices sequence ${head}; ${readers.reads()} reads so far, ${readers.stale.length} stale`,
    );

    const staleBefore = readers.stale.length;
    const killedAt = Date.now();
    await env.services.redis.kill();
    await env.services.redis.start();
    const restartedAt = Date.now();
    ctx.step(
      `redis-server restarted empty on port ${env.services.redis.port}; no new event from now on`,
    );

    // Refilled: the Redis checkpoint back at the head and every snapshot equal to its row.
    let refillMs: number | null = null;
    const deadline = restartedAt + size.refillMs;
    let last = "";
    while (Date.now() < deadline) {
      const redis = (await projectionPositions(env)).find((p) => p.name === "redis");
      if ((redis?.checkpoint ?? -1) >= head) {
        const mismatched = await redisMismatches(env).catch(() => undefined);
        if (mismatched?.length === 0) {
          refillMs = Date.now() - restartedAt;
          break;
        }
        last = `checkpoint at ${redis?.checkpoint}, ${mismatched?.length ?? "?"} snapshots missing or different`;
      } else last = `checkpoint ${redis?.checkpoint ?? "absent"} of ${head}`;
      await sleep(250);
    }
    const headAfter = (await streamHeads(env)).get("devices") ?? 0;
    ctx.record.check(
      headAfter === head,
      `${headAfter - head} events appeared during the refill wait`,
    );
    ctx.record.check(
      refillMs !== null,
      `cache not refilled ${size.refillMs / 1000} s after the restart without a new event (${last})`,
    );
    ctx.step(refillMs === null ? `not refilled: ${last}` : `refilled in ${seconds(refillMs)}`);

    ctx.step(`load 2: ${size.after} events at ${size.rate} ev/s`);
    const loadAfter = Date.now();
    await settleLoad(
      fleet.run({ events: size.after, rate: size.rate, statusShare: 0.8 }),
      ctx.record,
      ctx.step,
    );
    const recoveryMs = await waitCaughtUp(env, { since: restartedAt, timeoutMs: 120_000 }).catch(
      (err: Error) => {
        ctx.record.check(false, err.message);
        return null;
      },
    );
    await readers.stop();
    ctx.record.faults.push({
      fault: "redis-server restarted without persistence",
      atSeconds: Math.round((killedAt - t0) / 100) / 10,
      outageMs: restartedAt - killedAt,
      // Recovered means refilled with no new event; catching up once events flow again is not enough.
      recoveryMs: refillMs,
      also: {
        caughtUpAfterNextLoad: recoveryMs === null ? null : recoveryMs - (loadAfter - restartedAt),
      },
    });
    const stale = readers.stale;
    ctx.record.observations.reads = {
      total: readers.reads(),
      statuses: readers.statuses,
      stale: stale.length,
      staleBeforeRestart: staleBefore,
      worst: stale.reduce<StaleRead | undefined>(
        (w, s) => (w === undefined || s.seen - (s.got ?? 0) > w.seen - (w.got ?? 0) ? s : w),
        undefined,
      ),
    };
    ctx.step(`${readers.reads()} reads, ${stale.length} went back in time`);
    ctx.record.check(
      stale.length === 0,
      `${stale.length} of ${readers.reads()} reads returned an older version than one seen before, e.g. ${stale
        .slice(0, 3)
        .map((s) => `${s.id} v${s.got ?? "404"} after v${s.seen} at ${s.atSeconds.toFixed(1)} s`)
        .join(", ")}`,
    );
    await finalChecks(env, ctx.record, fleet.acks, ctx.step);
  },
};
