import { finalChecks } from "../checks/final-checks.ts";
import { projectionPositions, streamHeads, waitCaughtUp } from "../checks/projection-positions.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { settleLoad, sleep } from "./load-phase.ts";

const sizes = {
  full: { devices: 50, events: 30_000, rate: 1_500, kills: 3 },
  quick: { devices: 20, events: 6_000, rate: 1_000, kills: 1 },
};

/**
 * `kill -9` of the projector process at random points while devices publish, each time
 * followed at once by a new projector process: the new one waits out the dead one's lease,
 * resumes from the checkpoints and catches up. The API runs in a process of its own.
 */
export const projectorKill: Scenario = {
  name: "projector-kill",
  fault: "projector process killed with SIGKILL mid-stream, a new one started",
  expects: "no acked event lost, zero drift, nothing applied twice, the API process unaffected",
  async run(ctx) {
    const size = ctx.quick ? sizes.quick : sizes.full;
    const env = await ctx.open();
    await env.startHub("api", ["api"]);
    let projectors = await env.startHub("projectors-1", ["projectors"]);
    await using fleet = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      prefix: "pk",
      devices: size.devices,
      rng: ctx.rng,
    });
    await fleet.register();
    ctx.step(`load: ${size.events} events at ${size.rate} ev/s from ${size.devices} devices`);
    const loadStarted = Date.now();
    const run = fleet.run({ events: size.events, rate: size.rate });
    const loadMs = (size.events / size.rate) * 1000;
    // Kill points spread over the load, each at a random instant of its own slice.
    const slice = (loadMs * 0.8) / size.kills;
    for (let k = 0; k < size.kills; k++) {
      const at = loadMs * 0.1 + slice * k + ctx.rng.next() * slice;
      await sleep(loadStarted + at - Date.now());
      const [heads, positions] = [await streamHeads(env), await projectionPositions(env)];
      const killedAt = Date.now();
      const exit = await projectors.kill();
      const behind = positions.map(
        (p) => `${p.name} ${p.checkpoint ?? "?"}/${heads.get(p.stream)}`,
      );
      ctx.step(`kill -9 ${projectors.name} (signal ${exit.signal}) at ${behind.join(", ")}`);
      const recovered = waitCaughtUp(env, { since: killedAt, timeoutMs: 120_000 });
      projectors = await env.startHub(`projectors-${k + 2}`, ["projectors"]);
      let recoveryMs: number | null = null;
      try {
        recoveryMs = await recovered;
        ctx.step(`caught up ${(recoveryMs / 1000).toFixed(1)} s after the kill`);
      } catch (err) {
        ctx.record.check(false, `after kill ${k + 1}: ${(err as Error).message}`);
      }
      ctx.record.faults.push({
        fault: `kill -9 ${projectors.name.replace(/\d+$/, String(k + 1))}`,
        atSeconds: Math.round((killedAt - loadStarted) / 100) / 10,
        outageMs: 0,
        recoveryMs,
      });
    }
    await settleLoad(run, ctx.record, ctx.step);
    ctx.record.eventsAcked += fleet.ids.length;
    ctx.record.eventsSent += fleet.ids.length;
    await finalChecks(env, ctx.record, fleet.acks, ctx.step);
  },
};
