import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { keysCommand } from "./keys.ts";

let t: TestHub;

beforeAll(async () => {
  t = await createTestHub();
  Object.assign(process.env, t.env);
});
afterAll(() => t?.close());

/** Runs `uaip keys …` in this process, capturing stdout, stderr and the exit code. */
async function keys(...args: string[]) {
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
    await keysCommand().exitOverride().parseAsync(args, { from: "user" });
  } finally {
    log.mockRestore();
    write.mockRestore();
  }
  const code = process.exitCode ?? 0;
  process.exitCode = 0;
  return { code, stdout: out.join("\n"), stderr: err.join("") };
}

describe("uaip keys", () => {
  it("keys cli - create prints the key once, list shows it without the key, revoke marks it", async () => {
    const created = await keys("create", "--name", "grafana", "--scopes", "read,write");
    expect(created.code).toBe(0);
    const [summary, key] = created.stdout.split("\n");
    expect(summary).toMatch(/^created key_[0-9a-f]+ "grafana" with scopes read, write$/);
    expect(key).toMatch(/^uaip_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain("cannot be shown again");
    const id = /key_[0-9a-f]+/.exec(summary!)![0];

    const listed = await keys("list", "--json");
    const entry = (
      JSON.parse(listed.stdout) as { id: string; scopes: string[]; revokedAt: string | null }[]
    ).find((k) => k.id === id);
    expect(entry).toMatchObject({ scopes: ["read", "write"], revokedAt: null });
    expect(listed.stdout).not.toContain(key!);

    const revoked = await keys("revoke", id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`revoked ${id} "grafana"`);
    const table = await keys("list");
    expect(table.stdout.split("\n")[0]).toMatch(
      /^id\s+name\s+scopes\s+created\s+last used\s+revoked$/,
    );
    expect(table.stdout).toMatch(
      new RegExp(`${id}\\s+grafana\\s+read,write\\s+\\S+\\s+-\\s+\\d{4}-`),
    );
  });

  it("keys cli - an unknown scope is a usage error (exit 2); an unknown id exits 1", async () => {
    const bad = await keys("create", "--name", "x", "--scopes", "read,root");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('uaip: --scopes: "root" is not one of read, write, admin\n');
    const missing = await keys("revoke", "key_ffffff");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no API key "key_ffffff"');
  });
});
