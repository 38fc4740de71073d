import { streamName } from "@uaip/events";
import { waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWriteTestHub, type WriteTestHub } from "./testing/write-test-hub.ts";

let h: WriteTestHub;

beforeAll(async () => {
  h = await startWriteTestHub({ redisProjection: true });
});
afterAll(() => h?.close());

const lastSeq = async (kind: "devices" | "commands") =>
  (await h.t.jsm.streams.info(streamName(h.t.namespace, kind))).state.last_seq;

/** The fields and rules a 400 problem names. */
const named = (body: { errors?: { field: string; rule: string }[] }) =>
  (body.errors ?? []).map((e) => `${e.field}:${e.rule}`);

/** The devices projection's dead letter for `seq`, once it has one. */
const deadLetter = (seq: number) =>
  waitFor(
    () =>
      h.t.db
        .selectFrom("rejected_events")
        .select(["reason", "issues"])
        .where("projection", "=", "devices")
        .where("seq", "=", seq)
        .executeTakeFirst(),
    20_000,
    `dead letter for ${seq}`,
  );

describe("text at every boundary", () => {
  it("text - POST /devices with U+0000 in the name is 400 naming the field; nothing is stored", async () => {
    const before = await lastSeq("devices");
    const r = await h.http("POST", "/api/v1/devices", {
      id: "nul-1",
      name: "\u0000",
      type: "smart-bulb",
    });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toBe("application/problem+json");
    expect(named(r.body)).toEqual(["name:no_control_characters"]);
    expect(await lastSeq("devices")).toBe(before);
    // Not half-registered either: the id is free.
    const ok = await h.http("POST", "/api/v1/devices", {
      id: "nul-1",
      name: "Lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
    });
    expect(ok.status).toBe(201);
  });

  it("text - PATCH, DELETE and commands refuse U+0000 in any text, naming each field", async () => {
    const before = await lastSeq("devices");
    const patch = await h.http("PATCH", "/api/v1/devices/nul-1", {
      name: "a\u0000",
      tags: ["ok", "b\u0000"],
      metadata: { "k\u0000": 1, note: "c\u0000" },
    });
    expect(patch.status).toBe(400);
    expect(named(patch.body).sort()).toEqual([
      "metadata.k\\u0000:no_control_characters",
      "metadata.note:no_control_characters",
      "name:no_control_characters",
      "tags.1:no_control_characters",
    ]);
    const del = await h.http("DELETE", "/api/v1/devices/nul-1", { reason: "gone\u0000" });
    expect(del.status).toBe(400);
    expect(named(del.body)).toEqual(["reason:no_control_characters"]);
    expect(await lastSeq("devices")).toBe(before);

    const commandsBefore = await lastSeq("commands");
    const cmd = await h.http("POST", "/api/v1/devices/nul-1/commands", {
      name: "set_power",
      params: { label: ["fine", "x\u0000"], "\u0000": true },
    });
    expect(cmd.status).toBe(400);
    expect(named(cmd.body).sort()).toEqual([
      "params.\\u0000:no_control_characters",
      "params.label.1:no_nul",
    ]);
    expect(await lastSeq("commands")).toBe(commandsBefore);
  });

  it("text - free text keeps tab and newline; a label does not", async () => {
    const reason = await h.http("PATCH", "/api/v1/devices/nul-1", {
      metadata: { note: "line 1\n\tline 2" },
    });
    expect(reason.status).toBe(200);
    const label = await h.http("PATCH", "/api/v1/devices/nul-1", { name: "two\nlines" });
    expect(label.status).toBe(400);
    expect(named(label.body)).toEqual(["name:no_control_characters"]);
  });

  it("text - a device publishing U+0000 over NATS gets a dead letter naming the field; its id stays free", async () => {
    const ack = await h.t.publishRaw(
      h.t.subjects.device("nul-nats", "registered"),
      JSON.stringify({ data: { name: "\u0000", type: "smart-bulb" } }),
    );
    const dl = await deadLetter(ack.seq);
    expect(dl).toMatchObject({
      reason: "invalid_data",
      issues: [expect.objectContaining({ field: "data.name", rule: "no_control_characters" })],
    });
    const dlq = await h.t.jsm.streams.getMessage(streamName(h.t.namespace, "deadletter"), {
      last_by_subj: h.t.subjects.deadLetter("devices"),
    });
    expect(dlq?.header.get("Uaip-Original-Seq")).toBe(String(ack.seq));
    expect(dlq?.header.get("Uaip-Reason")).toBe("invalid_data");
    // Nowhere else: not in Redis, not in PostgreSQL; and the operator may register the id.
    expect((await h.http("GET", "/api/v1/devices/nul-nats")).status).toBe(404);
    const r = await h.http("POST", "/api/v1/devices", { id: "nul-nats", name: "Ok", type: "t" });
    expect(r.status).toBe(201);
  });

  it("text - a payload that is not UTF-8 gets a dead letter (invalid_utf8), never U+FFFD in a read model", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"data":{"name":"caf'),
      0xc3,
      0x28,
      ...new TextEncoder().encode('","type":"smart-bulb"}}'),
    ]);
    const ack = await h.t.publishRaw(h.t.subjects.device("bad-utf8", "registered"), bytes);
    expect(await deadLetter(ack.seq)).toMatchObject({
      reason: "invalid_utf8",
      issues: [expect.objectContaining({ field: "(root)", rule: "utf8" })],
    });
    expect((await h.http("GET", "/api/v1/devices/bad-utf8")).status).toBe(404);
    const rows = await h.t.db
      .selectFrom("devices")
      .select("id")
      .where("name", "like", "%\uFFFD%")
      .execute();
    expect(rows).toEqual([]);
  });
});
