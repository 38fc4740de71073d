import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderCatalogDoc } from "@uaip/events";
import { Command } from "commander";
import { run } from "../context.ts";
import {
  crossPackageImports,
  renderPackageGraph,
  withGraph,
  workspacePackages,
} from "../package-graph.ts";

/** docs/events.md at the repository root (found upwards, so it works from the bundle too). */
export const eventsDocPath = join(repoRoot(fileURLToPath(import.meta.url)), "docs", "events.md");

function repoRoot(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "docs", "events.md")) && existsSync(join(dir, "packages"))) return dir;
  }
  return process.cwd();
}

const root = repoRoot(fileURLToPath(import.meta.url));
/** docs/architecture.md, whose package graph comes from the package manifests. */
export const architectureDocPath = join(root, "docs", "architecture.md");

export function docsCommand(): Command {
  const cmd = new Command("docs").description("Generate the documents that come from code");
  cmd
    .command("events")
    .description("Write docs/events.md from the event catalog (packages/events)")
    .option("--check", "exit 1 if docs/events.md differs from the catalog, instead of writing it")
    .action((opts: { check?: boolean }) =>
      run(async () => {
        const want = renderCatalogDoc();
        if (opts.check) {
          const have = await readFile(eventsDocPath, "utf8").catch(() => "");
          if (have !== want) {
            process.stderr.write("docs/events.md is out of date: run `npm run docs`\n");
            return 1;
          }
          return 0;
        }
        await writeFile(eventsDocPath, want);
        console.log(`wrote ${eventsDocPath}`);
      }),
    );
  cmd
    .command("architecture")
    .description(
      "Write the package graph into docs/architecture.md from the workspace package manifests",
    )
    .option(
      "--check",
      "exit 1 if the graph in docs/architecture.md is not current, or an import reaches into another package",
    )
    .action((opts: { check?: boolean }) =>
      run(async () => {
        const packages = workspacePackages(root);
        const have = await readFile(architectureDocPath, "utf8").catch(() => "");
        const want = withGraph(have, renderPackageGraph(packages));
        if (opts.check) {
          const deep = crossPackageImports(root, packages);
          for (const d of deep)
            process.stderr.write(`${d.file}: imports "${d.specifier}", inside another package\n`);
          if (have !== want)
            process.stderr.write(
              "docs/architecture.md is out of date: run `uaip docs architecture`\n",
            );
          return have === want && deep.length === 0 ? 0 : 1;
        }
        await writeFile(architectureDocPath, want);
        console.log(`wrote ${architectureDocPath}`);
      }),
    );
  return cmd;
}
