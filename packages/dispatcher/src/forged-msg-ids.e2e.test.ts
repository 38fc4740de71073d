import { createHash } from "node:crypto";
import { commandEventId } from "@uaip/device-protocol";
import { createEvent } from "@uaip/events";
import { readLog } from "@uaip/log-reader";
import { waitFor } from "@uaip/testkit";
import { commandIdFor } from "@uaip/write-side";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DispatchTestHub, startDispatchTestHub } from "./testing/dispatch-test-hub.ts";

let h: DispatchTestHub;

beforeAll(async () => {
  h = await startDispatchTestHub();
  await h.startDispatcher();
});
afterAll(() => h?.close());

/** Every event of one command in the log, in stream order, as `phase:source`. */
async function commandLog(deviceId: string, commandId: string): Promise<string[]> {
  await using log = await readLog(h.t.js, h.t.jsm, {
    namespace: h.t.namespace,
    stream: "commands",
    filter: h.t.subjects.commandEvents(deviceId, commandId),
  });
  const out: string[] = [];
  for await (const { raw } of log) {
    const { source } = JSON.parse(new TextDecoder().decode(raw.data)) as { source: string };
    out.push(`${raw.subject.split(".")[4]}:${source}`);
  }
  return out;
}

const finalPhases = new Set(["completed", "failed", "expired", "cancelled"]);

describe("forged msg ids", () => {
  it("msg ids - device A publishing with B's would-be msg ids blocks nothing: B's command is issued and ends in exactly one final state", async () => {
    await h.register("dev-a", ["set_power"]);
    await h.register("dev-b", ["set_power"]);
    const commandId = commandIdFor("dev-b", "order-1"); // sha256(device, key): predictable

    // Device A, on a subject its permissions allow (its own command outcome), claims every
    // msg id B's command would once have used — and a guess at the derived form, which it
    // cannot compute without the hub's secret.
    const guess = (id: string) => `h.${createHash("sha256").update(id).digest("base64url")}`;
    const forged = [
      commandEventId.issued(commandId),
      commandEventId.delivered(commandId, 1),
      commandEventId.acknowledged(commandId),
      commandEventId.outcome(commandId),
      commandEventId.expired(commandId),
      guess(commandEventId.issued(commandId)),
      guess(commandEventId.outcome(commandId)),
    ];
    const asA = h.t.subjects.command("dev-a", "x1", "completed");
    for (const msgID of forged) {
      const body = createEvent("command.completed", "dev-a", { commandId: "x1" });
      const ack = await h.t.js.publish(asA, JSON.stringify(body), { msgID });
      expect(ack.duplicate, msgID).toBe(false);
    }

    let runs = 0;
    await h.device("dev-b", {
      set_power: () => {
        runs++;
        return { on: true };
      },
    });
    const issued = await h.http(
      "POST",
      "/api/v1/devices/dev-b/commands",
      { name: "set_power", params: { on: true }, ttl: 2 },
      { "idempotency-key": "order-1" },
    );
    expect(issued.status, JSON.stringify(issued.body)).toBe(202);
    expect(issued.body).toMatchObject({ commandId, created: true });

    expect(await h.command(commandId)).toMatchObject({
      state: "completed",
      result: { on: true },
    });
    expect(runs).toBe(1);
    // Past its expiry it is still completed, and no other final state was ever stored.
    const expiresAt = Date.parse(issued.body.expiresAt);
    await waitFor(() => Date.now() > expiresAt + 1_500, 10_000, "the command's expiry");
    expect(await h.command(commandId, 0)).toMatchObject({ state: "completed" });
    const log = await commandLog("dev-b", commandId);
    expect(log.slice(0, 4)).toEqual([
      "issued:operator",
      "delivered:hub",
      "acknowledged:hub",
      "completed:hub",
    ]);
    const finals = log.filter((e) => finalPhases.has(e.split(":")[0]!));
    expect(new Set(finals.map((e) => e.split(":")[0]))).toEqual(new Set(["completed"]));

    // A retry with the same key answers with the same command.
    const retry = await h.http(
      "POST",
      "/api/v1/devices/dev-b/commands",
      { name: "set_power", params: { on: true }, ttl: 2 },
      { "idempotency-key": "order-1" },
    );
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ commandId, created: false, seq: issued.body.seq });
  }, 60_000);
});
