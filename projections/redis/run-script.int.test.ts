import { createHash, randomUUID } from "node:crypto";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runScript } from "./run-script.ts";

let t: TestHub;

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(() => t.close());

describe("run script", () => {
  it("run script - a script Redis has never seen runs through the NOSCRIPT fallback, then by SHA", async () => {
    // A body no Redis has cached yet, so the first EVALSHA must answer NOSCRIPT.
    const source = `-- ${randomUUID()}\nreturn ARGV[1] .. KEYS[1]`;
    const script = { name: "probe", source, sha: sha1(source) };
    expect(await t.redis.script("EXISTS", script.sha)).toEqual([0]);
    expect(await runScript(t.redis, script, [`${t.namespace}:k`], ["v:"])).toBe(
      `v:${t.namespace}:k`,
    );
    expect(await t.redis.script("EXISTS", script.sha)).toEqual([1]);
    expect(await runScript(t.redis, script, ["x"], ["y"])).toBe("yx");
  });

  it("run script - other errors pass through", async () => {
    const source = `-- ${randomUUID()}\nreturn redis.error_reply('BOOM no')`;
    const script = { name: "boom", source, sha: sha1(source) };
    await expect(runScript(t.redis, script, [], [])).rejects.toThrow(/^BOOM no/);
  });
});

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
