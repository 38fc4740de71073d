import { standardRoutes, startApiProbe, waitApiRecovered } from "../checks/api-probe.ts";
import { finalChecks } from "../checks/final-checks.ts";
import { waitCaughtUp } from "../checks/projection-positions.ts";
import type { ApiClient } from "../hub/api-client.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { seconds, settleLoad, sleep } from "./load-phase.ts";

/**
 * Each stop comes in the middle of a burst of this many events on top of the steady load,
 * so the projectors are inside full batches' transactions when PostgreSQL goes away: the
 * moment a connection dropped between two statements used to crash the process.
 */
const BURST = 3_000;

const sizes = {
  full: { devices: 50, rate: 500, outages: 3, outageMs: 15_000, gapMs: 12_000 },
  quick: { devices: 20, rate: 500, outages: 1, outageMs: 5_000, gapMs: 6_000 },
};

/**
 * PostgreSQL fast stop (SIGINT, what `pg_ctl -m fast stop` sends) under load, for 15 s
 * (5 s with --quick), three times. One hub process runs the API, the projectors and the
 * dispatcher: it must live through every outage, the projectors must stop acking and
 * resume by themselves, the API must answer (503 where it needs PostgreSQL) and recover,
 * and devices must go on publishing into JetStream meanwhile.
 */
export const postgresStop: Scenario = {
  name: "postgres-stop",
  fault: "PostgreSQL fast stop (SIGINT) for 15 s under load, 3 times",
  expects:
    "ingest goes on; the hub process (API + projectors) survives; the API answers 503, not 500; projections and API recover by themselves",
  async run(ctx) {
    const size = ctx.quick ? sizes.quick : sizes.full;
    const env = await ctx.open();
    let hub = await env.startHub("hub", ["api", "projectors", "dispatcher"]);
    let api: ApiClient = await env.api(hub);
    await using fleet = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      prefix: "ps",
      devices: size.devices,
      rng: ctx.rng,
    });
    await fleet.register();
    ctx.record.eventsSent += fleet.ids.length;
    ctx.record.eventsAcked += fleet.ids.length;
    const routes = standardRoutes(fleet.ids[0]!, "ps-probe");
    const probe = startApiProbe(() => api, routes);
    const plannedMs = size.outages * (size.outageMs + size.gapMs) + size.gapMs;
    const events = Math.round((plannedMs / 1000) * size.rate);
    ctx.step(`load: ${events} events at ${size.rate} ev/s from ${size.devices} devices`);
    const loadStarted = Date.now();
    const run = fleet.run({ events, rate: size.rate });

    for (let k = 1; k <= size.outages; k++) {
      await sleep(size.gapMs / 2 + ctx.rng.next() * (size.gapMs / 2));
      const burst = fleet.run({ events: BURST, rate: 100_000 });
      while (burst.acked() < BURST / 2) await sleep(5);
      probe.phase(`outage ${k}`);
      const stoppedAt = Date.now();
      await env.services.postgres.stop();
      ctx.step(`PostgreSQL fast stop ${k}/${size.outages}; down for ${size.outageMs / 1000} s`);
      await sleep(size.outageMs - (Date.now() - stoppedAt));
      const startingAt = Date.now();
      await env.services.postgres.start();
      const restartedAt = Date.now();
      probe.phase(`after ${k}`);
      const ingested = fleet.acks.filter((a) => a.ackedAt > stoppedAt && a.ackedAt < startingAt);
      await settleLoad(burst, ctx.record, () => {});
      ctx.step(`PostgreSQL back; ${ingested.length} events acknowledged while it was down`);
      ctx.record.check(
        ingested.length > 0,
        `outage ${k}: no event acknowledged while PostgreSQL was down (ingest must go on)`,
      );
      const hubAlive = ctx.record.check(
        hub.alive,
        `outage ${k}: ${hub.name} died, ${hub.deathNote()}`,
      );
      if (!hubAlive) {
        // Someone has to fold the log for the remaining checks: a new process, not counted as a recovery.
        hub = await env.startHub(`hub-${k + 1}`, ["api", "projectors", "dispatcher"]);
        api = await env.api(hub);
      }
      const [recoveryMs, apiMs] = await Promise.all([
        waitCaughtUp(env, { since: restartedAt, timeoutMs: 120_000 }).catch((err: Error) => {
          ctx.record.check(false, `outage ${k}: ${err.message}`);
          return null;
        }),
        waitApiRecovered(api, routes, restartedAt, 120_000).catch((err: Error) => {
          ctx.record.check(false, `outage ${k}: ${err.message}`);
          return {} as Record<string, number>;
        }),
      ]);
      ctx.step(
        `recovered: projections ${seconds(recoveryMs)}, API ${Object.entries(apiMs)
          .map(([route, ms]) => `${route} ${seconds(ms)}`)
          .join(", ")} after the restart`,
      );
      ctx.record.faults.push({
        fault: `PostgreSQL fast stop ${k}`,
        atSeconds: Math.round((stoppedAt - loadStarted) / 100) / 10,
        outageMs: startingAt - stoppedAt,
        recoveryMs: hubAlive ? recoveryMs : null,
        also: apiMs,
        note: `${ingested.length} events acknowledged during the outage`,
      });
    }
    await settleLoad(run, ctx.record, ctx.step);
    ctx.record.observations.api = await probe.stop();
    for (const v of probe.violations()) ctx.record.check(false, `API ${v}`);
    await finalChecks(env, ctx.record, fleet.acks, ctx.step);
  },
};
