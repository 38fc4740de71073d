import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scenarios } from "./scenarios/all-scenarios.ts";

const main = fileURLToPath(new URL("./main.ts", import.meta.url));
const chaos = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", main, ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });

describe("chaos command", () => {
  it("chaos command - --help names every scenario with what it breaks and what must hold", () => {
    const out = chaos("--help");
    expect(out.status).toBe(0);
    for (const s of scenarios) {
      expect(out.stdout).toContain(s.name);
      expect(out.stdout).toContain(s.fault);
    }
    expect(out.stdout).toMatch(/--quick/);
    expect(out.stdout).toMatch(/--only <names>/);
  });

  it("chaos command - an unknown scenario or a bad seed is a usage error naming the flag, before anything starts", () => {
    const unknown = chaos("--only", "projector-kill,no-such-thing");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--only: unknown scenario "no-such-thing"');
    expect(unknown.stderr).toContain("projector-kill");
    expect(unknown.stderr).not.toContain("starting private");
    const seed = chaos("--seed", "-1");
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain("--seed: must be a whole number");
  });
});
