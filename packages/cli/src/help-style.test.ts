import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { uaipProgram } from "./program.ts";

function allCommands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  const here = [...path, cmd.name()];
  return [{ path: here.join(" "), cmd }, ...cmd.commands.flatMap((c) => allCommands(c, here))];
}

describe("uaip help", () => {
  it("help - every required option of every command is marked required in its usage line and description", () => {
    const commands = allCommands(uaipProgram());
    const required = commands.flatMap(({ path, cmd }) =>
      cmd.options.filter((o) => o.mandatory).map((o) => ({ path, cmd, o })),
    );
    // keys create, simulate single / scenario and device register have some: never vacuous.
    expect(required.map((r) => `${r.path} ${r.o.long}`)).toEqual(
      expect.arrayContaining([
        "uaip keys create --name",
        "uaip simulate single --name",
        "uaip device register --name",
      ]),
    );
    for (const { path, cmd, o } of required) {
      const help = cmd.helpInformation();
      const usage = help.split("\n")[0]!;
      expect(usage, path).toMatch(/^Usage: /);
      expect(usage, `${path}: usage line names ${o.long}`).toContain(`${o.long}`);
      const line = help.split("\n").find((l) => l.trimStart().startsWith(o.flags));
      // The description may wrap: "(required)" ends the option's text, on its line or the next.
      const at = help.indexOf(line!);
      const text = help.slice(at, help.indexOf("\n  -", at + 1));
      expect(text, `${path} ${o.flags}`).toContain("(required)");
    }
  });

  it("help - every command says what it does, and optional options are not marked required", () => {
    for (const { path, cmd } of allCommands(uaipProgram())) {
      expect(cmd.description(), path).not.toBe("");
      const help = cmd.helpInformation();
      const marked = (help.match(/\(required\)/g) ?? []).length;
      expect(marked, path).toBe(cmd.options.filter((o) => o.mandatory).length);
    }
  });
});
