import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderCatalogDoc } from "@uaip/events";
import { Command } from "commander";
import { run } from "../context.ts";

/** docs/events.md at the repository root (found upwards, so it works from the bundle too). */
export const eventsDocPath = join(repoRoot(fileURLToPath(import.meta.url)), "docs", "events.md");

function repoRoot(from: string): string {
  for (let dir = dirname(from); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "docs", "events.md")) && existsSync(join(dir, "packages"))) return dir;
  }
  return process.cwd();
}

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
  return cmd;
}
