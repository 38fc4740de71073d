import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderCatalogDoc } from "@uaip/events";
import { Command } from "commander";
import { run } from "../context.ts";

/** docs/events.md at the repository root. */
export const eventsDocPath = fileURLToPath(new URL("../../../../docs/events.md", import.meta.url));

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
