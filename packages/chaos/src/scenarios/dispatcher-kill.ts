import { Kvm } from "@nats-io/kv";
import { leaseBucketName } from "@uaip/dispatcher";
import { isFinal } from "@uaip/projections";
import { finalChecks } from "../checks/final-checks.ts";
import type { HubProcess } from "../hub/hub-process.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { ChaosEnv } from "../scenario/chaos-env.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { seconds, sleep } from "./load-phase.ts";

const sizes = {
  full: { devices: 20, commands: 200, killAfterStarted: 60 },
  quick: { devices: 20, commands: 200, killAfterStarted: 60 },
};

const finalTypes = new Set([
  "command.completed",
  "command.failed",
  "command.expired",
  "command.cancelled",
]);

/** The pid of the dispatcher holding the lease (its owner is `host:pid:random`). */
async function leaseHolder(env: ChaosEnv): Promise<number | undefined> {
  const kv = await new Kvm(env.nc).open(leaseBucketName(env.namespace));
  const owner = (await kv.get("dispatcher"))?.string();
  const pid = Number(owner?.split(":")[1]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await sleep(100);
  }
  return undefined;
}

/**
 * 200 commands issued over HTTP to simulated SDK devices that answer (some at once, some
 * after a while), two dispatcher processes, and `kill -9` of the one holding the lease while
 * the commands are in flight. The other takes over; every command must end in exactly one
 * final state, and no device may run a command twice.
 */
export const dispatcherKill: Scenario = {
  name: "dispatcher-kill",
  fault: "active dispatcher process killed with SIGKILL with 200 commands in flight",
  expects:
    "the standby takes over; every command ends in exactly one final state; no handler runs a command twice",
  async run(ctx) {
    const size = ctx.quick ? sizes.quick : sizes.full;
    const env = await ctx.open();
    const hub = await env.startHub("api", ["api", "projectors"]);
    const api = await env.api(hub);
    const runs = new Map<string, number>();
    await using fleet = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      prefix: "dk",
      devices: size.devices,
      rng: ctx.rng,
      handlers: {
        work: async (_params, cmd) => {
          runs.set(cmd.commandId, (runs.get(cmd.commandId) ?? 0) + 1);
          // Some answer inline, most run past the reply window and report later.
          await sleep(100 + Math.random() * 1_900);
          return { done: cmd.commandId };
        },
      },
    });
    await fleet.register();
    ctx.record.eventsSent += fleet.ids.length;
    ctx.record.eventsAcked += fleet.ids.length;
    const dispatchers: HubProcess[] = await Promise.all([
      env.startHub("dispatcher-1", ["dispatcher"]),
      env.startHub("dispatcher-2", ["dispatcher"]),
    ]);
    const holder = await waitFor(async () => {
      const pid = await leaseHolder(env);
      return dispatchers.find((d) => d.pid === pid);
    }, 20_000);
    if (!holder) throw new Error("neither dispatcher took the lease within 20 s");
    ctx.step(`${holder.name} holds the dispatcher lease`);

    // Registered devices reach the read model before commands can be issued to them.
    for (const id of fleet.ids) {
      const ok = await waitFor(
        async () => ((await api.get(`/api/v1/devices/${id}`)).status === 200 ? true : undefined),
        20_000,
      );
      if (!ok) throw new Error(`${id} never appeared in GET /api/v1/devices/{id}`);
    }

    ctx.step(`issuing ${size.commands} commands over HTTP`);
    const issued: { commandId: string; seq: number; stream: string }[] = [];
    const issueFailures: string[] = [];
    const issuing = (async () => {
      for (let i = 0; i < size.commands; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(20, size.commands - i) }, (_, j) =>
            api.request(
              "POST",
              `/api/v1/devices/${fleet.ids[(i + j) % fleet.ids.length]}/commands`,
              {
                body: { name: "work", params: { n: i + j }, ttl: 300 },
              },
            ),
          ),
        );
        for (const r of batch) {
          if (r.status === 202)
            issued.push({ commandId: r.body.commandId, seq: r.body.seq, stream: r.body.stream });
          else issueFailures.push(`${r.status} ${JSON.stringify(r.body).slice(0, 120)}`);
        }
      }
    })();
    await waitFor(async () => (runs.size >= size.killAfterStarted ? true : undefined), 60_000);
    const inFlight = await env.db
      .selectFrom("commands")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("state", "not in", ["completed", "failed", "expired", "cancelled"])
      .executeTakeFirst();
    const killedAt = Date.now();
    await holder.kill();
    ctx.step(
      `kill -9 ${holder.name} with ${runs.size} handlers started, ${inFlight?.n ?? "?"} commands not final in the read model`,
    );
    await issuing;
    ctx.record.eventsSent += size.commands;
    ctx.record.eventsAcked += issued.length;
    ctx.record.check(
      issueFailures.length === 0,
      `${issueFailures.length} commands not issued: ${issueFailures.slice(0, 2).join("; ")}`,
    );

    const standby = dispatchers.find((d) => d !== holder)!;
    const takeover = await waitFor(
      async () => ((await leaseHolder(env)) === standby.pid ? Date.now() - killedAt : undefined),
      30_000,
    );
    ctx.step(
      takeover === undefined
        ? "the standby never took the lease"
        : `${standby.name} took the lease ${seconds(takeover)} after the kill`,
    );
    ctx.record.check(
      takeover !== undefined,
      `${standby.name} did not take the lease within 30 s of the kill`,
    );

    const ids = issued.map((c) => c.commandId);
    const allFinal = await waitFor(async () => {
      const rows = await env.db
        .selectFrom("commands")
        .select(["command_id", "state"])
        .where("command_id", "in", ids)
        .execute();
      return rows.length === ids.length && rows.every((r) => isFinal(r.state as never))
        ? Date.now() - killedAt
        : undefined;
    }, 120_000);
    const rows = await env.db
      .selectFrom("commands")
      .select(["command_id", "state"])
      .where("command_id", "in", ids)
      .execute();
    const byState: Record<string, number> = {};
    for (const r of rows) byState[r.state] = (byState[r.state] ?? 0) + 1;
    ctx.step(
      `command states: ${JSON.stringify(byState)}${allFinal === undefined ? "" : `, all final ${seconds(allFinal)} after the kill`}`,
    );
    ctx.record.check(
      allFinal !== undefined,
      `not every command reached a final state within 120 s: ${JSON.stringify(byState)}`,
    );
    ctx.record.check(
      (byState.completed ?? 0) === ids.length,
      `every device answered, so every command should be completed: ${JSON.stringify(byState)}`,
    );
    const twice = [...runs].filter(([, n]) => n > 1);
    ctx.record.check(
      twice.length === 0,
      `${twice.length} commands ran twice on their device, e.g. ${twice
        .slice(0, 3)
        .map(([id, n]) => `${id} ×${n}`)
        .join(", ")}`,
    );
    ctx.record.faults.push({
      fault: `kill -9 ${holder.name} (lease holder)`,
      atSeconds: 0,
      outageMs: 0,
      recoveryMs: allFinal ?? null,
      also: { takeover: takeover ?? null },
    });

    const logs = await finalChecks(env, ctx.record, fleet.acks, ctx.step);
    if (!logs) return;
    // Exactly one final state: the log may hold a command's outcome twice (the device's and
    // the dispatcher's), but never two different ones, and the read model keeps the first.
    const finals = new Map<string, string[]>();
    for (const m of logs.commands.bySeq.values()) {
      const e = m.event?.event;
      if (!e || !finalTypes.has(e.type)) continue;
      const id = (e.data as { commandId: string }).commandId;
      finals.set(id, [...(finals.get(id) ?? []), e.type]);
    }
    const conflicting = ids.filter((id) => new Set(finals.get(id) ?? []).size > 1);
    ctx.record.check(
      conflicting.length === 0,
      `${conflicting.length} commands have different final events in the log, e.g. ${conflicting
        .slice(0, 3)
        .map((id) => `${id}: ${finals.get(id)?.join(", ")}`)
        .join("; ")}`,
    );
    const stateOf = new Map(rows.map((r) => [r.command_id, r.state]));
    const wrong = ids.filter((id) => {
      const first = finals.get(id)?.[0];
      return first !== undefined && `command.${stateOf.get(id)}` !== first;
    });
    ctx.record.check(
      wrong.length === 0,
      `${wrong.length} commands' state is not their first final event, e.g. ${wrong.slice(0, 3).join(", ")}`,
    );
    const missingIssued = issued.filter((c) => {
      const e = logs.commands.bySeq.get(c.seq)?.event?.event;
      return (
        e?.type !== "command.issued" || (e.data as { commandId: string }).commandId !== c.commandId
      );
    });
    ctx.record.lost += missingIssued.length;
    ctx.record.check(
      missingIssued.length === 0,
      `${missingIssued.length} issued commands are not at the sequence their 202 named`,
    );
    ctx.record.observations.commands = {
      states: byState,
      finalEventsMax: Math.max(0, ...[...finals.values()].map((f) => f.length)),
      inFlightAtKill: inFlight?.n,
    };
  },
};
