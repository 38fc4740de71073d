import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "@uaip/local-services";
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
      ["projections", "status"],
      ["device"],
      ["device", "publish"],
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

  it("cli - a required option is shown as required in the help of keys create, simulate single and device register", () => {
    const keys = uaip(["keys", "create", "--help"]).stdout;
    expect(keys.split("\n")[0]).toBe("Usage: uaip keys create --name <name> [options]");
    expect(keys).toMatch(/--name <name>\s+what the key is for, e\.g\. grafana \(required\)/);
    const single = uaip(["simulate", "single", "--help"]).stdout;
    expect(single.split("\n")[0]).toBe(
      "Usage: uaip simulate single --type <type> --name <name> [options]",
    );
    expect(single).toMatch(/--name <name>\s+its name.*\(required\)/);
    const register = uaip(["device", "register", "--help"]).stdout;
    expect(register.split("\n")[0]).toBe(
      "Usage: uaip device register --name <name> --type <type> [options] <id>",
    );
  });

  it("cli - a missing required option, an unknown flag or a missing argument says what is wrong, exit 2", () => {
    for (const [args, error] of [
      [["keys", "create"], "error: required option '--name <name>' not specified"],
      [
        ["simulate", "single", "--type", "smart-bulb"],
        "error: required option '--name <name>' not specified",
      ],
      [["streams", "status", "--bogus"], "error: unknown option '--bogus'"],
      [["devices", "credentials"], "error: missing required argument 'id'"],
      [["device", "status", "lamp-1"], "error: missing required argument 'status'"],
      [
        ["migrate", "up", "extra"],
        "error: too many arguments for 'up'. Expected 0 arguments but got 1.",
      ],
    ] as const) {
      const r = uaip([...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toBe(`${error}\n(add --help for usage)\n`);
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });

  it("cli - a NATS or PostgreSQL that does not answer is named with its URL, password hidden, exit 1", async () => {
    const port = await freePort();
    const refused = "connection refused (is it running? `uaip dev` starts local services)";
    const nats = uaip(["streams", "status"], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(nats.code).toBe(1);
    expect(nats.stderr).toBe(`uaip: NATS at nats://127.0.0.1:${port}: ${refused}\n`);
    const start = uaip(["start"], { NATS_URL: `nats://127.0.0.1:${port}` });
    expect(start.code).toBe(1);
    expect(start.stderr).toBe(`uaip: NATS at nats://127.0.0.1:${port}: ${refused}\n`);
    const pg = uaip(["migrate", "status"], {
      DATABASE_URL: `postgres://postgres:s3cret@127.0.0.1:${port}/uaip`,
    });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toBe(
      `uaip: PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/uaip: ${refused}\n`,
    );
  });

  it("cli - docs/events.md is current (docs events --check)", () => {
    expect(uaip(["docs", "events", "--check"]).code).toBe(0);
  });
});
