import { createHash } from "node:crypto";
import { createEvent } from "@uaip/events";
import { finalChecks } from "../checks/final-checks.ts";
import type { ApiClient } from "../hub/api-client.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Scenario, ScenarioRecord } from "../scenario/scenario.ts";
import { confinedDevices, connectAttacker } from "./device-attacker.ts";
import { sleep } from "./load-phase.ts";

/**
 * The command id an Idempotency-Key stands for, computed the way the hub computed it when
 * this attack was found (packages/write-side/src/command-ids.ts: sha256 of device and key):
 * an attacker who read the source can do the same. Deliberately not imported from there.
 */
function wouldBeCommandId(deviceId: string, key: string): string {
  const digest = createHash("sha256").update(`${deviceId}\n${key}`).digest("base64url");
  return `k-${digest.slice(0, 32)}`;
}

const TTL_S = 10;
const finalStates = new Set(["completed", "failed", "expired", "cancelled"]);

/** Issues B's command with an Idempotency-Key and follows it to its end; records what is wrong. */
async function issueAndFollow(
  api: ApiClient,
  key: string,
  record: ScenarioRecord,
  step: (line: string) => void,
): Promise<void> {
  const body = { name: "work", params: { key }, ttl: TTL_S };
  const headers = { "idempotency-key": key };
  const r = await api.request("POST", "/api/v1/devices/dev-b/commands", { body, headers });
  step(`POST /devices/dev-b/commands (Idempotency-Key: ${key}) → ${r.status}`);
  if (
    !record.check(
      (r.status === 202 || r.status === 201) && r.body?.created === true,
      `Idempotency-Key ${key}: the operator's command was refused: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`,
    )
  )
    return;
  const id = r.body.commandId as string;
  const deadline = Date.now() + (TTL_S + 15) * 1000;
  let state = "issued";
  while (!finalStates.has(state) && Date.now() < deadline) {
    const got = await api.get(`/api/v1/commands/${id}?wait=10`, 30_000);
    if (got.status === 200) state = got.body.state;
    else await sleep(500);
  }
  step(`command ${id}: ${state}`);
  record.check(
    state === "completed",
    `Idempotency-Key ${key}: B's command ${id} ended "${state}" ${finalStates.has(state) ? "" : `(not final ${TTL_S + 15} s after issue, past its ${TTL_S} s expiry)`}, not completed`,
  );
  const again = await api.request("POST", "/api/v1/devices/dev-b/commands", { body, headers });
  record.check(
    (again.status === 202 || again.status === 201) &&
      again.body?.commandId === id &&
      again.body?.created === false,
    `Idempotency-Key ${key}: a retry did not answer with the same command: ${again.status} ${JSON.stringify(again.body).slice(0, 160)}`,
  );
}

/**
 * Attack 3 of the hardening issue. Device A, confined by NATS permissions to its own
 * subjects, publishes on `…command.dev-a.x1.completed` with the msg ids B's next command
 * would be stored under (`<id>.issued`, `<id>.outcome`), hoping the stream's duplicate window
 * drops B's real events. The operator's command to B must still be issued (not 422) and
 * reach exactly one final state, `completed`.
 */
export const forgedMsgId: Scenario = {
  name: "forged-msg-id",
  fault: "device A publishes on its own subjects with B's would-be Nats-Msg-Ids (attack 3)",
  expects: "denied: B's command is issued (202) and completes; idempotent retries still answer it",
  async run(ctx) {
    const devices = confinedDevices(["dev-a", "dev-b"]);
    const env = await ctx.open({ natsAuth: devices.auth });
    const hub = await env.startHub("hub", ["api", "projectors", "dispatcher"]);
    const api = await env.api(hub);
    await using b = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      ids: ["dev-b"],
      rng: ctx.rng,
      credentials: (id) => ({ nkeySeed: devices.credentials(id).seed }),
      handlers: { work: (params) => ({ done: params.key }) },
    });
    await using a = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      ids: ["dev-a"],
      rng: ctx.rng,
      credentials: (id) => ({ nkeySeed: devices.credentials(id).seed }),
    });
    await Promise.all([a.register(), b.register()]);
    await using attacker = await connectAttacker(env, devices.credentials("dev-a"));

    const plan = [
      { key: "order-1", phase: "issued", own: "x1" },
      { key: "order-2", phase: "outcome", own: "x2" },
    ];
    for (const p of plan) {
      const msgId = `${wouldBeCommandId("dev-b", p.key)}.${p.phase}`;
      const event = createEvent("command.completed", "dev-a", { commandId: p.own }, { id: msgId });
      await attacker.publish(env.subjects.command("dev-a", p.own, "completed"), event, msgId);
    }
    ctx.step(
      `device A stored ${attacker.acks.length} forged events (${attacker.refused.length} refused by the server${attacker.refused.length ? `: ${attacker.refused[0]}` : ""})`,
    );
    ctx.record.observations.attacker = { stored: attacker.acks.length, refused: attacker.refused };
    for (const p of plan) await issueAndFollow(api, p.key, ctx.record, ctx.step);

    const acks = [...a.acks, ...b.acks, ...attacker.acks];
    ctx.record.eventsSent += 2 + plan.length + plan.length;
    ctx.record.eventsAcked += acks.length;
    await finalChecks(env, ctx.record, acks, ctx.step);
  },
};
