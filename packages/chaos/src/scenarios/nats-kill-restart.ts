import { standardRoutes, startApiProbe, waitApiRecovered } from "../checks/api-probe.ts";
import { finalChecks } from "../checks/final-checks.ts";
import { waitCaughtUp } from "../checks/projection-positions.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { seconds, settleLoad, sleep } from "./load-phase.ts";

const ACK_GRACE_MS = 250;

const sizes = {
  full: { devices: 50, events: 20_000, rate: 1_000, outageMs: 5_000 },
  quick: { devices: 20, events: 6_000, rate: 1_000, outageMs: 3_000 },
};

/**
 * `kill -9` of nats-server under load, then a restart on the same port with the same store.
 * The device SDK buffers and resends (same msg ids), the hub process (API, projectors and
 * dispatcher in one) reconnects; nothing acknowledged may be missing afterwards.
 */
export const natsKillRestart: Scenario = {
  name: "nats-kill-restart",
  fault: "nats-server killed with SIGKILL under load, restarted with the same store",
  expects:
    "publishers and consumers reconnect by themselves; every acked event is in the log; zero drift; the hub process survives",
  async run(ctx) {
    const size = ctx.quick ? sizes.quick : sizes.full;
    const env = await ctx.open();
    const hub = await env.startHub("hub", ["api", "projectors", "dispatcher"]);
    const api = await env.api(hub);
    await using fleet = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      prefix: "nk",
      devices: size.devices,
      rng: ctx.rng,
    });
    await fleet.register();
    ctx.record.eventsSent += fleet.ids.length;
    ctx.record.eventsAcked += fleet.ids.length;
    const routes = standardRoutes(fleet.ids[0]!, "nk-probe");
    const probe = startApiProbe(api, routes);
    ctx.step(`load: ${size.events} events at ${size.rate} ev/s from ${size.devices} devices`);
    const loadStarted = Date.now();
    const run = fleet.run({ events: size.events, rate: size.rate });
    const loadMs = (size.events / size.rate) * 1000;
    await sleep(loadStarted + loadMs * (0.25 + ctx.rng.next() * 0.25) - Date.now());

    const ackedBefore = run.acked();
    probe.phase("outage");
    const killedAt = Date.now();
    await env.services.nats.kill();
    ctx.step(
      `kill -9 nats-server after ${ackedBefore} acked events; down for ${size.outageMs / 1000} s`,
    );
    const downAt = Date.now();
    await sleep(size.outageMs);
    const startingAt = Date.now();
    await env.services.nats.start();
    const restartedAt = Date.now();
    probe.phase("after");
    ctx.step(`nats-server restarted on port ${env.services.nats.port} with its store`);
    // Between the server's death and its new start, nobody can acknowledge anything (an ack
    // read off the socket just before the death may still be handled a moment after it).
    const acksDuring = fleet.acks.filter(
      (a) => a.ackedAt > downAt + ACK_GRACE_MS && a.ackedAt < startingAt,
    );
    ctx.record.check(
      acksDuring.length === 0,
      `${acksDuring.length} events acknowledged while nats-server was down`,
    );

    const [recoveryMs, apiMs] = await Promise.all([
      waitCaughtUp(env, { since: restartedAt, timeoutMs: 120_000 }).catch((err: Error) => {
        ctx.record.check(false, err.message);
        return null;
      }),
      waitApiRecovered(api, routes, restartedAt, 120_000).catch((err: Error) => {
        ctx.record.check(false, err.message);
        return {};
      }),
    ]);
    const firstAck = fleet.acks.find((a) => a.ackedAt >= restartedAt);
    const publishersMs = firstAck ? firstAck.ackedAt - restartedAt : null;
    ctx.step(
      `recovered: projections ${seconds(recoveryMs)}, first ack ${seconds(publishersMs)}, API ${Object.entries(
        apiMs,
      )
        .map(([route, ms]) => `${route} ${seconds(ms)}`)
        .join(", ")} after the restart`,
    );
    ctx.record.faults.push({
      fault: "kill -9 nats-server, restart with the same store",
      atSeconds: Math.round((killedAt - loadStarted) / 100) / 10,
      outageMs: startingAt - killedAt,
      recoveryMs,
      also: { publishers: publishersMs, ...apiMs },
    });

    await settleLoad(run, ctx.record, ctx.step);
    const tally = await probe.stop();
    ctx.record.observations.api = tally;
    for (const v of probe.violations()) ctx.record.check(false, `API ${v}`);
    await finalChecks(env, ctx.record, fleet.acks, ctx.step);
  },
};
