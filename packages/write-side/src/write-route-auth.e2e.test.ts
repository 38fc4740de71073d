// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { createApiKey } from "@uaip/api";
import { streamName } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWriteTestHub, type WriteTestHub } from "./testing/write-test-hub.ts";

let h: WriteTestHub;
const keys = {} as Record<"read" | "write" | "readWrite", string>;

beforeAll(async () => {
  h = await startWriteTestHub({ api: { auth: "required" } });
  const key = async (name: string, scopes: ("read" | "write")[]) =>
    (await createApiKey(h.t.db, { name, scopes })).key;
  keys.read = await key("reader", ["read"]);
  keys.write = await key("writer", ["write"]);
  keys.readWrite = await key("ops-console", ["read", "write"]);
});
afterAll(() => h?.close());

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const lamp = (id: string) => ({ id, name: id, type: "smart-bulb", capabilities: ["set_power"] });

describe("write routes behind the API's keys", () => {
  it("auth - POST /devices: no key 401, a read-only key 403, a write key 201", async () => {
    const none = await h.http("POST", "/api/v1/devices", lamp("auth-1"));
    expect(none.status).toBe(401);
    expect(none.headers.get("content-type")).toBe("application/problem+json");
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const reader = await h.http("POST", "/api/v1/devices", lamp("auth-1"), bearer(keys.read));
    expect(reader.status).toBe(403);
    expect(reader.body).toMatchObject({ status: 403, requiredScope: "write" });
    const writer = await h.http("POST", "/api/v1/devices", lamp("auth-1"), bearer(keys.write));
    expect(writer.status).toBe(201);
    expect(writer.body.device.id).toBe("auth-1");
    // Refused calls stored nothing: the one registration is the writer's.
    const info = await h.t.jsm.streams.info(streamName(h.t.namespace, "devices"), {
      subjects_filter: `${h.t.namespace}.device.auth-1.registered.operator`,
    });
    expect(info.state.messages).toBe(1);
  });

  it("auth - every write needs the write scope", async () => {
    const calls: [string, string, unknown][] = [
      ["PATCH", "/api/v1/devices/auth-1", { name: "x" }],
      ["DELETE", "/api/v1/devices/auth-1", undefined],
      ["POST", "/api/v1/devices/auth-1/commands", { name: "set_power" }],
      ["POST", "/api/v1/commands/c-1/cancel", undefined],
    ];
    for (const [method, path, body] of calls) {
      expect((await h.http(method, path, body)).status, `${method} ${path}`).toBe(401);
      expect((await h.http(method, path, body, bearer(keys.read))).status, path).toBe(403);
    }
  });

  it("auth - a command records the key that issued it; reading it back needs read", async () => {
    await h.http("POST", "/api/v1/devices", lamp("auth-2"), bearer(keys.readWrite));
    const cmd = await h.http(
      "POST",
      "/api/v1/devices/auth-2/commands",
      { name: "set_power" },
      bearer(keys.readWrite),
    );
    expect(cmd.status).toBe(202);
    const stored = await h.t.jsm.streams.getMessage(streamName(h.t.namespace, "commands"), {
      seq: cmd.body.seq,
    });
    expect(stored?.json<any>().data.issuedBy).toBe("ops-console");
    const path = `/api/v1/commands/${cmd.body.commandId}?wait=1`;
    expect((await h.http("GET", path, undefined, bearer(keys.write))).status).toBe(403);
    const got = await h.http("GET", path, undefined, bearer(keys.readWrite));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: cmd.body.commandId, state: "issued" });
  });

  it("openapi - the writes are documented with their scope, headers and bodies; GET /commands/{id} once", async () => {
    const doc = (await h.http("GET", "/openapi.json")).body;
    const write = [{ bearerAuth: ["write"] }, { apiKeyHeader: ["write"] }];
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    for (const [path, method, status] of [
      ["/api/v1/devices", "post", "201"],
      ["/api/v1/devices/{id}", "patch", "200"],
      ["/api/v1/devices/{id}", "delete", "200"],
      ["/api/v1/devices/{id}/commands", "post", "202"],
      ["/api/v1/commands/{id}/cancel", "post", "202"],
    ] as const) {
      expect(op(path, method), `${method} ${path}`).toMatchObject({ security: write });
      expect(Object.keys(op(path, method).responses)).toContain(status);
      expect(Object.keys(op(path, method).responses)).toContain("413");
    }
    const header = (path: string, method: string) =>
      op(path, method).parameters.filter((p: any) => p.in === "header");
    expect(header("/api/v1/devices/{id}", "patch")).toEqual([
      expect.objectContaining({ name: "If-Match", required: false }),
    ]);
    expect(header("/api/v1/devices/{id}/commands", "post")).toEqual([
      expect.objectContaining({ name: "Idempotency-Key", required: false }),
    ]);
    expect(op("/api/v1/devices/{id}", "delete").requestBody.required).toBe(false);
    expect(op("/api/v1/devices", "post").requestBody.required).toBe(true);
    expect(Object.keys(op("/api/v1/devices", "post").responses)).toEqual(
      expect.arrayContaining(["400", "401", "403", "409"]),
    );
    expect(op("/api/v1/commands/{id}", "get").parameters).toContainEqual(
      expect.objectContaining({ name: "wait", in: "query", required: false }),
    );
  });
});
