import type { ChildProcess } from "node:child_process";
import { Kvm } from "@nats-io/kv";
import { streamName } from "@uaip/events";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leaseBucketName } from "./kv-lease.ts";
import { type DispatchTestHub, startDispatchTestHub } from "./testing/dispatch-test-hub.ts";

let h: DispatchTestHub;

beforeAll(async () => {
  h = await startDispatchTestHub();
});
afterAll(() => h?.close());

const killHard = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });

/**
 * Final events (completed, failed, expired, cancelled) in the log per command, by who
 * appended them: the dispatchers (`….hub`) and the device itself (its safety-net copy).
 */
async function finalEventsPerCommand(): Promise<Map<string, { hub: number; device: number }>> {
  const info = await h.t.jsm.streams.info(streamName(h.t.namespace, "commands"), {
    subjects_filter: `${h.t.namespace}.command.>`,
  });
  const out = new Map<string, { hub: number; device: number }>();
  for (const [subject, n] of Object.entries(info.state.subjects ?? {})) {
    const [, , , commandId, phase, origin] = subject.split(".");
    if (!["completed", "failed", "expired", "cancelled"].includes(phase!)) continue;
    const counts = out.get(commandId!) ?? { hub: 0, device: 0 };
    if (origin === "hub") counts.hub += n;
    else counts.device += n;
    out.set(commandId!, counts);
  }
  return out;
}

describe("dispatcher failover", () => {
  it("failover - kill -9 of the active dispatcher with 500 commands in flight: each ends once, each handler ran each id at most once", async () => {
    const devices = 50;
    const runs = new Map<string, number>();
    for (let i = 0; i < devices; i++) {
      const id = `fo-${i}`;
      await h.register(id, ["work"]);
      await h.device(id, {
        work: async (_params, cmd) => {
          runs.set(cmd.commandId, (runs.get(cmd.commandId) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
          return { by: id };
        },
      });
    }
    const first = h.spawnDispatcher();
    const second = h.spawnDispatcher();
    const kv = await new Kvm(h.t.nc).open(leaseBucketName(h.t.namespace));
    const ownerPid = async () => Number((await kv.get("dispatcher"))?.string().split(":")[1]);
    await waitFor(
      async () => [first.pid, second.pid].includes(await ownerPid()),
      20_000,
      "a dispatcher holding the lease",
    );

    const ids: string[] = [];
    const issuing = (async () => {
      for (let i = 0; i < 500; i += 25) {
        const batch = await Promise.all(
          Array.from({ length: 25 }, (_, j) =>
            h.http("POST", `/api/v1/devices/fo-${(i + j) % devices}/commands`, {
              name: "work",
              params: { n: i + j },
            }),
          ),
        );
        for (const r of batch) ids.push(r.body.commandId);
      }
    })();
    await waitFor(() => runs.size >= 100, 30_000, "100 handlers started");
    const active = (await ownerPid()) === first.pid ? first : second;
    await killHard(active);
    await issuing;
    expect(ids).toHaveLength(500);

    const states = await waitFor(
      async () => {
        const rows = await h.t.db.selectFrom("commands").select(["command_id", "state"]).execute();
        const final = rows.filter((r) =>
          ["completed", "failed", "expired", "cancelled"].includes(r.state),
        );
        return final.length === 500 ? rows : undefined;
      },
      60_000,
      "all 500 commands final",
    );
    expect(new Set(states.map((r) => r.state))).toEqual(new Set(["completed"]));
    const overRun = [...runs].filter(([, n]) => n > 1);
    expect(overRun).toEqual([]);
    expect(runs.size).toBe(500);
    // Two dispatchers appending the same outcome (the one killed, its successor) store it once:
    // both derive the same msg id from the hub's secret. The device's own copy is stored
    // beside it, and the fold keeps the first.
    const finals = await finalEventsPerCommand();
    expect(finals.size).toBe(500);
    const counts = [...finals.values()];
    expect(counts.filter((c) => c.hub > 1 || c.device > 1 || c.hub + c.device === 0)).toEqual([]);
    // Spot-check through the HTTP API.
    for (const id of ids.slice(0, 5))
      expect(await h.command(id, 0)).toMatchObject({ state: "completed" });
  }, 120_000);
});
