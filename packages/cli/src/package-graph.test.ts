import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  crossPackageImports,
  floors,
  renderPackageGraph,
  type WorkspacePackage,
  withGraph,
  workspacePackages,
} from "./package-graph.ts";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const pkg = (name: string, dependsOn: string[] = []): WorkspacePackage => ({
  name,
  dir: `packages/${name}`,
  description: "",
  dependsOn,
});

const scratch = mkdtempSync(join(tmpdir(), "package-graph-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A tiny workspace on disk: two packages, `files` written under the root. */
function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, "ws-"));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("package.json", JSON.stringify({ workspaces: ["packages/*"] }));
  write("packages/a/package.json", JSON.stringify({ name: "@uaip/a" }));
  write("packages/b/package.json", JSON.stringify({ name: "@uaip/b" }));
  for (const [path, text] of Object.entries(files)) write(path, text);
  return root;
}

describe("package graph", () => {
  it("package graph - docs/architecture.md holds the graph of today's manifests", () => {
    const doc = readFileSync(join(repo, "docs", "architecture.md"), "utf8");
    expect(withGraph(doc, renderPackageGraph(workspacePackages(repo)))).toBe(doc);
  });

  it("package graph - no file of the repository imports another package's files by path", () => {
    expect(crossPackageImports(repo, workspacePackages(repo))).toEqual([]);
  });

  it("package graph - a relative import into another package and a deep @uaip import are found", () => {
    // Built from parts, so this file's own text holds no such import for the check above.
    const fromSpec = (spec: string) => `from ${JSON.stringify(spec)}`;
    const root = workspace({
      "packages/a/src/x.ts": `import { y } ${fromSpec("../../b/src/y.ts")};\nimport { z } ${fromSpec("@uaip/b/src/z.ts")};\n`,
      "packages/a/src/ok.ts": `import { x } ${fromSpec("./x.ts")};\nimport { b } ${fromSpec("@uaip/b")};\n`,
    });
    expect(crossPackageImports(root, workspacePackages(root))).toEqual([
      { file: "packages/a/src/x.ts", specifier: "../../b/src/y.ts" },
      { file: "packages/a/src/x.ts", specifier: "@uaip/b/src/z.ts" },
    ]);
  });

  it("package graph - floors put a package one above what it needs, and a cycle is named", () => {
    const f = floors([
      pkg("@uaip/app", ["@uaip/lib", "@uaip/leaf"]),
      pkg("@uaip/lib", ["@uaip/leaf"]),
      pkg("@uaip/leaf"),
    ]);
    expect(Object.fromEntries(f)).toEqual({ "@uaip/app": 2, "@uaip/lib": 1, "@uaip/leaf": 0 });
    expect(() => floors([pkg("@uaip/p", ["@uaip/q"]), pkg("@uaip/q", ["@uaip/p"])])).toThrow(
      "dependency cycle: @uaip/p → @uaip/q → @uaip/p",
    );
  });

  it("package graph - a changed manifest makes the document out of date", () => {
    const doc = withGraph("# map\n", renderPackageGraph([pkg("@uaip/a"), pkg("@uaip/b")]));
    const changed = renderPackageGraph([pkg("@uaip/a", ["@uaip/b"]), pkg("@uaip/b")]);
    expect(withGraph(doc, changed)).not.toBe(doc);
    expect(withGraph(doc, changed)).toContain("  a --> b");
  });
});
