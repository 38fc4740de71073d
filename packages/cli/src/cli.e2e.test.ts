import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../bin/uaip.js", import.meta.url));

function uaip(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("uaip CLI", () => {
  it("cli - an invalid DATABASE_URL is one line naming the variable and the rule, exit 2", () => {
    const r = uaip(["migrate", "status"], { DATABASE_URL: "mysql://localhost/db" });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'uaip: DATABASE_URL: must be a URL starting with postgres:// or postgresql:// (got "mysql://localhost/db")\n',
    );
  });

  it("cli - an unknown --only part is a usage error, exit 2", () => {
    const r = uaip(["start", "--only", "api,frontend"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--only: "frontend" is not one of api, projectors, dispatcher');
  });

  it("cli - every command has a --help that says what it does", () => {
    for (const args of [
      [],
      ["start"],
      ["dev"],
      ["migrate"],
      ["migrate", "up"],
      ["streams"],
      ["streams", "status"],
      ["docs", "events"],
    ]) {
      const r = uaip([...args, "--help"]);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^Usage: uaip/);
    }
  });

  it("cli - an unknown command suggests --help", () => {
    const r = uaip(["frobnicate"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it("cli - docs/events.md is current (docs events --check)", () => {
    expect(uaip(["docs", "events", "--check"]).code).toBe(0);
  });
});
