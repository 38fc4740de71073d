import { streamName } from "@uaip/events";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandIdFor } from "./command-ids.ts";
import { startWriteTestHub, type WriteTestHub } from "./testing/write-test-hub.ts";

let h: WriteTestHub;

beforeAll(async () => {
  h = await startWriteTestHub();
});
afterAll(() => h?.close());

const lamp = (id: string) => ({
  id,
  name: `Lamp ${id}`,
  type: "smart-bulb",
  capabilities: ["set_power", "set_brightness"],
});

/** How many messages the stream holds on `subject` (wildcards allowed). */
async function countOn(kind: "devices" | "commands", subject: string): Promise<number> {
  const info = await h.t.jsm.streams.info(streamName(h.t.namespace, kind), {
    subjects_filter: subject,
  });
  return Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
}

const deviceVersion = async (id: string, atLeast = 0) =>
  waitFor(
    async () => {
      const r = await h.http("GET", `/api/v1/devices/${id}`);
      return r.status === 200 && r.body.version >= atLeast ? (r.body.version as number) : undefined;
    },
    10_000,
    `device ${id} at version ${atLeast}`,
  );

describe("write side", () => {
  it("registration - 201 with the device, its sequence and location; readable through GET", async () => {
    const r = await h.http("POST", "/api/v1/devices", lamp("reg-a"));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      stream: streamName(h.t.namespace, "devices"),
      seq: expect.any(Number),
      device: { id: "reg-a", type: "smart-bulb", capabilities: ["set_power", "set_brightness"] },
    });
    expect(r.headers.get("location")).toBe("/api/v1/devices/reg-a");
    expect(r.headers.get("etag")).toBe(`"${r.body.seq}"`);
    expect(r.headers.get("x-stream-sequence")).toBe(`${r.body.stream}:${r.body.seq}`);
    expect(await deviceVersion("reg-a", r.body.seq)).toBe(r.body.seq);
  });

  it("registration - 20 parallel registrations of one id: exactly one 201, the rest 409, one event in the log", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => h.http("POST", "/api/v1/devices", lamp("race-1"))),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const conflict = answers.find((a) => a.status === 409)!;
    expect(conflict.headers.get("content-type")).toBe("application/problem+json");
    expect(conflict.body).toMatchObject({
      status: 409,
      detail: 'device "race-1" is already registered',
    });
    expect(await countOn("devices", `${h.t.namespace}.device.race-1.registered.operator`)).toBe(1);
  });

  it("update - If-Match with the current version is stored; a stale one is 412 naming the current version", async () => {
    const reg = await h.http("POST", "/api/v1/devices", lamp("upd-1"));
    const version = await deviceVersion("upd-1", reg.body.seq);
    const ok = await h.http(
      "PATCH",
      "/api/v1/devices/upd-1",
      { location: "hall" },
      { "if-match": `"${version}"` },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ deviceId: "upd-1", changes: { location: "hall" } });
    expect(ok.headers.get("etag")).toBe(`"${ok.body.seq}"`);
    const stale = await h.http(
      "PATCH",
      "/api/v1/devices/upd-1",
      { location: "attic" },
      { "if-match": `"${version}"` },
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ status: 412, expected: version, current: ok.body.seq });
    const after = await waitFor(async () => {
      const r = await h.http("GET", "/api/v1/devices/upd-1");
      return r.body.version >= ok.body.seq ? r.body : undefined;
    });
    expect(after.location).toBe("hall");
  });

  it("update - two PATCHes racing with the same If-Match: one stored, one 412", async () => {
    const reg = await h.http("POST", "/api/v1/devices", lamp("upd-2"));
    const results = await Promise.all(
      ["a", "b"].map((x) =>
        h.http(
          "PATCH",
          "/api/v1/devices/upd-2",
          { location: x },
          { "if-match": String(reg.body.seq) },
        ),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect(await countOn("devices", `${h.t.namespace}.device.upd-2.updated.operator`)).toBe(1);
    // Without If-Match the last writer wins: both are stored.
    const blind = await Promise.all(
      ["c", "d"].map((x) => h.http("PATCH", "/api/v1/devices/upd-2", { location: x })),
    );
    expect(blind.map((r) => r.status)).toEqual([200, 200]);
    expect(await countOn("devices", `${h.t.namespace}.device.upd-2.updated.operator`)).toBe(3);
  });

  it("update - a status change after the read does not make the If-Match stale", async () => {
    const reg = await h.http("POST", "/api/v1/devices", lamp("upd-3"));
    await h.t.publish(
      (await import("@uaip/events")).createEvent("device.status_changed", "upd-3", {
        status: "online",
      }),
    );
    const r = await h.http(
      "PATCH",
      "/api/v1/devices/upd-3",
      { name: "Renamed" },
      { "if-match": `"${reg.body.seq}"` },
    );
    expect(r.status).toBe(200);
  });

  it("decommission - DELETE is stored once; commands afterwards are 409", async () => {
    await h.http("POST", "/api/v1/devices", lamp("gone-1"));
    const first = await h.http("DELETE", "/api/v1/devices/gone-1", { reason: "replaced" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ deviceId: "gone-1", alreadyDecommissioned: false });
    const again = await h.http("DELETE", "/api/v1/devices/gone-1");
    expect(again.body).toMatchObject({ alreadyDecommissioned: true, seq: first.body.seq });
    const cmd = await h.http("POST", "/api/v1/devices/gone-1/commands", { name: "set_power" });
    expect(cmd.status).toBe(409);
    expect(cmd.body.type).toBe("https://uaip.dev/problems/decommissioned");
    expect((await h.http("PATCH", "/api/v1/devices/gone-1", { name: "x" })).status).toBe(409);
    expect((await h.http("DELETE", "/api/v1/devices/nobody")).status).toBe(404);
  });

  it("commands - issuing answers 202 with the command id, sequence and location; GET shows it issued", async () => {
    await h.http("POST", "/api/v1/devices", lamp("cmd-1"));
    const r = await h.http("POST", "/api/v1/devices/cmd-1/commands", {
      name: "set_brightness",
      params: { level: 40 },
      ttl: 60,
    });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      commandId: expect.any(String),
      deviceId: "cmd-1",
      name: "set_brightness",
      params: { level: 40 },
      state: "issued",
      created: true,
      stream: streamName(h.t.namespace, "commands"),
      seq: expect.any(Number),
    });
    const ttl = Date.parse(r.body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(r.headers.get("location")).toBe(`/api/v1/commands/${r.body.commandId}`);
    const got = await waitFor(async () => {
      const g = await h.http("GET", `/api/v1/commands/${r.body.commandId}`);
      return g.status === 200 ? g.body : undefined;
    });
    expect(got).toMatchObject({ id: r.body.commandId, state: "issued", params: { level: 40 } });
  });

  it("idempotency - the same POST 5 times with one Idempotency-Key stores one command", async () => {
    await h.http("POST", "/api/v1/devices", lamp("idem-1"));
    const send = () =>
      h.http(
        "POST",
        "/api/v1/devices/idem-1/commands",
        { name: "set_power", params: { on: true } },
        { "idempotency-key": "order-42" },
      );
    const answers = [...(await Promise.all([send(), send(), send()])), await send(), await send()];
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = new Set(answers.map((a) => a.body.commandId));
    expect([...ids]).toEqual([commandIdFor("idem-1", "order-42")]);
    expect(new Set(answers.map((a) => a.body.seq)).size).toBe(1);
    expect(answers.filter((a) => a.body.created)).toHaveLength(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === "true")).toHaveLength(4);
    expect(await countOn("commands", `${h.t.namespace}.command.idem-1.*.issued.operator`)).toBe(1);
  });

  it("idempotency - the same key with other params is 422; on another device it is another command", async () => {
    await h.http("POST", "/api/v1/devices", lamp("idem-2"));
    await h.http("POST", "/api/v1/devices", lamp("idem-3"));
    const key = { "idempotency-key": "k1" };
    expect(
      (
        await h.http(
          "POST",
          "/api/v1/devices/idem-2/commands",
          { name: "set_power", params: { on: true } },
          key,
        )
      ).status,
    ).toBe(202);
    const reused = await h.http(
      "POST",
      "/api/v1/devices/idem-2/commands",
      { name: "set_power", params: { on: false } },
      key,
    );
    expect(reused.status).toBe(422);
    expect(reused.body.type).toBe("https://uaip.dev/problems/idempotency-key-reused");
    const other = await h.http(
      "POST",
      "/api/v1/devices/idem-3/commands",
      { name: "set_power", params: { on: false } },
      key,
    );
    expect(other.status).toBe(202);
    expect(other.body.created).toBe(true);
  });

  it("cancel - cancelling stores it once; a second cancel answers the first; unknown is 404", async () => {
    await h.http("POST", "/api/v1/devices", lamp("can-1"));
    const cmd = await h.http("POST", "/api/v1/devices/can-1/commands", { name: "set_power" });
    const first = await h.http("POST", `/api/v1/commands/${cmd.body.commandId}/cancel`, {
      reason: "changed my mind",
    });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      commandId: cmd.body.commandId,
      deviceId: "can-1",
      alreadyCancelled: false,
    });
    const second = await h.http("POST", `/api/v1/commands/${cmd.body.commandId}/cancel`);
    expect(second.body).toMatchObject({ alreadyCancelled: true, seq: first.body.seq });
    const got = await h.http("GET", `/api/v1/commands/${cmd.body.commandId}?wait=5`);
    expect(got.body).toMatchObject({ state: "cancelled" });
    expect((await h.http("POST", "/api/v1/commands/no-such-command/cancel")).status).toBe(404);
  });

  it("bad input - an oversized body is 413", async () => {
    const big = { ...lamp("big-1"), metadata: { blob: "x".repeat(1_000) }, tags: [] as string[] };
    const huge = JSON.stringify({ ...big, name: "y".repeat(70 * 1024) });
    const r = await h.http("POST", "/api/v1/devices", huge);
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({
      status: 413,
      type: "https://uaip.dev/problems/payload-too-large",
    });
  });

  it("bad input - unknown fields and wrong types are 400 naming each", async () => {
    const r = await h.http("POST", "/api/v1/devices", {
      id: "bad-1",
      name: 7,
      type: "t",
      colour: "red",
    });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    const fields = r.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(["colour", "name"]);
    const cmd = await h.http("POST", "/api/v1/devices/reg-a/commands", {
      name: "set_power",
      ttl: "soon",
    });
    expect(cmd.status).toBe(400);
    expect(cmd.body.errors).toEqual([expect.objectContaining({ field: "ttl" })]);
    const notJson = await h.http("POST", "/api/v1/devices", "{nope");
    expect(notJson.body.errors).toEqual([
      expect.objectContaining({ field: "(root)", rule: "json" }),
    ]);
    const badKey = await h.http(
      "POST",
      "/api/v1/devices/reg-a/commands",
      { name: "set_power" },
      { "idempotency-key": "has space" },
    );
    expect(badKey.body.errors).toEqual([expect.objectContaining({ field: "idempotency-key" })]);
    const badMatch = await h.http(
      "PATCH",
      "/api/v1/devices/reg-a",
      { name: "x" },
      { "if-match": "yesterday" },
    );
    expect(badMatch.body.errors).toEqual([expect.objectContaining({ field: "if-match" })]);
    const badWait = await h.http("GET", "/api/v1/commands/x?wait=forever");
    expect(badWait.body.errors).toEqual([expect.objectContaining({ field: "wait" })]);
  });

  it("bad input - a command the device does not declare is 422 listing what it accepts; unknown device 404", async () => {
    await h.http("POST", "/api/v1/devices", lamp("cap-1"));
    const r = await h.http("POST", "/api/v1/devices/cap-1/commands", { name: "self_destruct" });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      type: "https://uaip.dev/problems/command-not-supported",
      capabilities: ["set_power", "set_brightness"],
    });
    expect(
      (await h.http("POST", "/api/v1/devices/nobody/commands", { name: "set_power" })).status,
    ).toBe(404);
  });
});
