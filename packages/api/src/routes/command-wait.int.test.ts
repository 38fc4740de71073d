// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { createEvent } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;

// A short request deadline, to show that a long-poll's wait is added to it.
beforeAll(async () => {
  h = await startApiTestHub({ auth: "off", requestTimeoutMs: 1_000 }, { redisProjection: false });
  await h.publishAndWait(sampleDevice("lp-1"));
});
afterAll(() => h?.close());

const issued = (id: string) =>
  createEvent(
    "command.issued",
    "lp-1",
    { commandId: id, name: "reboot", expiresAt: new Date(Date.now() + 60_000).toISOString() },
    { source: "operator" },
  );
const completed = (id: string) =>
  createEvent("command.completed", "lp-1", { commandId: id, result: { ok: true } });

async function get(path: string) {
  const started = Date.now();
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as any, ms: Date.now() - started };
}

describe("GET /api/v1/commands/{id}?wait=", () => {
  it("wait - answers once the command is final, soon after its final event", async () => {
    await h.publishAndWait([issued("lp-a")]);
    const answer = get("/api/v1/commands/lp-a?wait=10");
    await new Promise((r) => setTimeout(r, 300));
    await h.t.publish(completed("lp-a"));
    const r = await answer;
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: "lp-a", state: "completed", result: { ok: true } });
    expect(r.ms).toBeGreaterThanOrEqual(250);
    expect(r.ms).toBeLessThan(3_000);
    // Already final: answered at once.
    expect((await get("/api/v1/commands/lp-a?wait=10")).ms).toBeLessThan(1_000);
  });

  it("wait - a wait longer than the request deadline is not cut: the command as it stands when it ends", async () => {
    await h.publishAndWait([issued("lp-b")]);
    const r = await get("/api/v1/commands/lp-b?wait=2");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: "lp-b", state: "issued" });
    expect(r.ms).toBeGreaterThanOrEqual(1_900);
  });

  it("wait - a command not known yet is waited for; one still unknown when the wait ends is 404", async () => {
    const answer = get("/api/v1/commands/lp-c?wait=10");
    await new Promise((r) => setTimeout(r, 200));
    await h.t.publish(issued("lp-c"));
    await h.t.publish(completed("lp-c"));
    expect((await answer).body).toMatchObject({ id: "lp-c", state: "completed" });
    const missing = await get("/api/v1/commands/lp-none?wait=500ms");
    expect(missing.status).toBe(404);
    expect(missing.ms).toBeGreaterThanOrEqual(450);
  });

  it("wait - bad values are 400 naming wait; 0 answers at once", async () => {
    await h.publishAndWait([issued("lp-d")]);
    for (const w of ["forever", "61", "-1", "1m"]) {
      const r = await get(`/api/v1/commands/lp-d?wait=${w}`);
      expect(r.status, w).toBe(400);
      expect(r.body.errors, w).toEqual([expect.objectContaining({ field: "wait" })]);
    }
    const now = await get("/api/v1/commands/lp-d?wait=0");
    expect(now.body.state).toBe("issued");
    expect(now.ms).toBeLessThan(1_000);
    expect((await get("/api/v1/commands/lp-d?colour=red")).status).toBe(400);
  });
});
