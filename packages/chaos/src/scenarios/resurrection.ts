import { catalog, createEvent, type DeviceEvent, type EventSource } from "@uaip/events";
import { readDevices } from "@uaip/projections";
import { finalChecks } from "../checks/final-checks.ts";
import { waitCaughtUp } from "../checks/projection-positions.ts";
import type { ApiClient } from "../hub/api-client.ts";
import { openFleet } from "../load/device-fleet.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { confinedDevices, connectAttacker } from "./device-attacker.ts";
import { sleep } from "./load-phase.ts";

const NAME = "Device A";

async function waitDecommissioned(api: ApiClient): Promise<boolean> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const r = await api.get("/api/v1/devices/dev-a");
    if (r.status === 200 && r.body.decommissionedAt) return true;
    await sleep(200);
  }
  return false;
}

/**
 * Attack 4 of the hardening issue. After `DELETE /devices/dev-a`, device A (its credentials
 * still valid, confined to its own subjects) publishes `device.registered`, a status change
 * and an update, some claiming `"source":"operator"` in the body. The device must stay
 * decommissioned everywhere a reader looks (GET by id, which Redis serves, the lists, the
 * Redis snapshot), and the log must never show A's events as an operator's.
 */
export const resurrection: Scenario = {
  name: "resurrection",
  fault:
    'a decommissioned device publishes registered/status/updated, some with "source":"operator" (attack 4)',
  expects:
    "denied: the device stays decommissioned in GET, lists and Redis; its body's source is not believed",
  async run(ctx) {
    const devices = confinedDevices(["dev-a"]);
    const env = await ctx.open({ natsAuth: devices.auth });
    const hub = await env.startHub("hub", ["api", "projectors", "dispatcher"]);
    const api = await env.api(hub);
    const registered = await api.request("POST", "/api/v1/devices", {
      body: { id: "dev-a", name: NAME, type: "chaos-sensor" },
    });
    if (registered.status !== 201)
      throw new Error(`register dev-a: ${registered.status} ${JSON.stringify(registered.body)}`);
    await using a = await openFleet({
      servers: env.services.nats.url,
      namespace: env.namespace,
      ids: ["dev-a"],
      rng: ctx.rng,
      credentials: (id) => ({ nkeySeed: devices.credentials(id).seed }),
    });
    await a.run({ events: 20, rate: 100 }).done;
    const deleted = await api.request("DELETE", "/api/v1/devices/dev-a");
    ctx.step(`DELETE /devices/dev-a → ${deleted.status}`);
    if (deleted.status !== 200)
      throw new Error(`decommission dev-a: ${deleted.status} ${JSON.stringify(deleted.body)}`);
    if (!(await waitDecommissioned(api))) throw new Error("dev-a never showed as decommissioned");

    await using attacker = await connectAttacker(env, devices.credentials("dev-a"));
    const attempts: { event: DeviceEvent; claims: EventSource }[] = [
      {
        event: createEvent("device.registered", "dev-a", {
          name: "I am back",
          type: "chaos-sensor",
        }),
        claims: "device",
      },
      {
        event: createEvent(
          "device.registered",
          "dev-a",
          { name: "Back as operator", type: "chaos-sensor" },
          { source: "operator" },
        ),
        claims: "operator",
      },
      {
        event: createEvent(
          "device.status_changed",
          "dev-a",
          { status: "online", reason: "resurrected" },
          { source: "operator" },
        ),
        claims: "operator",
      },
      {
        event: createEvent(
          "device.updated",
          "dev-a",
          { name: "Renamed by itself" },
          { source: "operator" },
        ),
        claims: "operator",
      },
    ];
    for (const { event } of attempts) {
      // Device A's own subjects, as its permissions allow: `<ns>.device.dev-a.<token>`.
      await attacker.publish(
        env.subjects.device("dev-a", catalog[event.type].subjectToken),
        event,
        event.id,
      );
    }
    ctx.step(
      `device A stored ${attacker.acks.length} of ${attempts.length} events after its decommissioning`,
    );
    ctx.record.observations.attacker = { stored: attacker.acks.length, refused: attacker.refused };
    await waitCaughtUp(env, { timeoutMs: 60_000 });

    const one = await api.get("/api/v1/devices/dev-a");
    ctx.record.check(
      (one.status === 200 && one.body.decommissionedAt !== null && one.body.name === NAME) ||
        one.status === 404 ||
        one.status === 410,
      `GET /api/v1/devices/dev-a after the attack: ${one.status} decommissionedAt=${one.body?.decommissionedAt} name=${JSON.stringify(one.body?.name)}`,
    );
    const list = await api.get("/api/v1/devices?limit=100");
    const listed = (list.body?.items ?? []) as { id: string }[];
    ctx.record.check(
      list.status === 200 && !listed.some((d) => d.id === "dev-a"),
      `GET /api/v1/devices lists dev-a as live (status ${list.status})`,
    );
    const all = await api.get("/api/v1/devices?limit=100&include_decommissioned=true");
    const entry = (
      (all.body?.items ?? []) as {
        id: string;
        decommissionedAt: string | null;
      }[]
    ).find((d) => d.id === "dev-a");
    ctx.record.check(
      entry !== undefined && entry.decommissionedAt !== null,
      `GET /api/v1/devices?include_decommissioned=true: dev-a ${entry ? "has decommissionedAt null" : "missing"}`,
    );
    const snapshot = (await readDevices(env.redis, env.namespace, ["dev-a"])).get("dev-a");
    ctx.record.check(
      snapshot === undefined || snapshot.decommissionedAt !== null,
      "the Redis snapshot of dev-a shows it live (decommissionedAt null)",
    );
    ctx.record.observations.after = {
      get: {
        status: one.status,
        decommissionedAt: one.body?.decommissionedAt ?? null,
        name: one.body?.name,
      },
      listed: listed.some((d) => d.id === "dev-a"),
    };

    // Provenance: what the log says about A's events, as GET /api/v1/events reports them.
    const events = await api.get("/api/v1/events?stream=devices&device=dev-a&limit=1000");
    const records = String(events.body ?? "")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map(
        (l) => JSON.parse(l) as { seq?: number; event?: { source: string }; rejected?: unknown },
      );
    const attackSeqs = new Set(attacker.acks.map((x) => x.seq));
    const believed = records.filter(
      (r) => r.seq !== undefined && attackSeqs.has(r.seq) && r.event?.source === "operator",
    );
    ctx.record.check(
      events.status === 200 && believed.length === 0,
      `${believed.length} of device A's events are reported with source "operator" (GET /api/v1/events ${events.status})`,
    );

    const acks = [...a.acks, ...attacker.acks];
    ctx.record.eventsSent += 20 + attempts.length;
    ctx.record.eventsAcked += acks.length;
    await finalChecks(env, ctx.record, acks, ctx.step);
  },
};
