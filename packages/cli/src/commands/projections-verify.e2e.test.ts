import { streamName } from "@uaip/events";
import { type RunningHub, startHub } from "@uaip/hub";
import { cacheKeys, projections } from "@uaip/projections";
import { createTestHub, publishAll, sampleEvents, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { projectionsCommand } from "./projections.ts";

let t: TestHub;
let hub: RunningHub;

beforeAll(async () => {
  t = await createTestHub();
  Object.assign(process.env, t.env);
  await publishAll(sampleEvents("v", 40, 1_500), t.publish);
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger, [
    "projectors",
  ]);
  const last = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  await waitFor(
    async () => Number((await t.redis.get(cacheKeys(t.namespace).checkpoint)) ?? 0) >= last,
    30_000,
    `redis projection at ${last}`,
  );
});
afterAll(async () => {
  await hub?.stop();
  await t?.close();
});

/** Runs `uaip projections …` in this process, capturing stdout, stderr and the exit code. */
async function uaipProjections(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...a: unknown[]) => void out.push(a.join(" ")));
  const write = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  process.exitCode = 0;
  try {
    await projectionsCommand().exitOverride().parseAsync(args, { from: "user" });
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { code, stdout: out.join("\n"), stderr: err.join("") };
}

describe("uaip projections verify", () => {
  it("verify cli - redis on a healthy projection: no drift, exit 0; plain verify includes it", async () => {
    const redis = await uaipProjections("verify", "redis");
    expect(redis.stderr).toBe("");
    expect(redis.code).toBe(0);
    expect(redis.stdout).toMatch(/^redis at sequence \d+: no drift$/m);
    expect(redis.stdout).toContain(`${t.namespace}:device:*: 40 live, 40 expected, 0 missing`);

    const all = await uaipProjections("verify", "--json");
    expect(all.code).toBe(0);
    const reports = JSON.parse(all.stdout) as { projection: string; drift: number }[];
    expect(reports.map((r) => r.projection)).toEqual([...projections.map((p) => p.name), "redis"]);
    expect(reports.every((r) => r.drift === 0)).toBe(true);
  });

  it("verify cli - a field set by hand in Redis is drift naming the key, exit 1", async () => {
    const key = cacheKeys(t.namespace).device("v-3");
    const name = (await t.redis.hget(key, "name"))!;
    await t.redis.hset(key, "name", "tampered");
    try {
      const r = await uaipProjections("verify", "redis");
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^redis at sequence \d+: 2 entries differ$/m);
      expect(r.stdout).toContain(`unexpected: {"key":"${key}"`);
      expect(r.stdout).toContain(`"name":"tampered"`);
      expect((await uaipProjections("verify")).code).toBe(1);
    } finally {
      await t.redis.hset(key, "name", name);
    }
    expect((await uaipProjections("verify", "redis")).code).toBe(0);
  });

  it("verify cli - an unknown name is a usage error listing redis among the names, exit 2", async () => {
    const r = await uaipProjections("verify", "nosuch");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown projection "nosuch": one of devices');
    expect(r.stderr).toContain(", redis");
  });
});
