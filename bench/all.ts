/**
 * Runs every benchmark part in turn, each in a process of its own, and writes
 * bench/results/summary.md from their JSON results.
 *
 *   node --import tsx bench/all.ts [--only ingest,projections,…] [--quick]
 *
 * `--quick` passes each part small sizes (what the smoke tests use), for a fast look.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { defaultResultsDir, renderTable } from "./lib/results.ts";

/** Each part: its script and the arguments of a quick run. */
const parts: Record<string, { script: string; quick: string[] }> = {
  ingest: { script: "ingest.ts", quick: ["--events", "20000"] },
  projections: {
    script: "projections.ts",
    quick: ["--events", "20000", "--devices", "2000", "--lag-seconds", "2"],
  },
  cache: { script: "cache.ts", quick: ["--rounds", "20"] },
  api: { script: "api.ts", quick: ["--devices", "1000", "--duration", "2"] },
  commands: { script: "commands.ts", quick: ["--commands", "100", "--devices", "10"] },
  history: { script: "history.ts", quick: ["--events", "20000"] },
  e2e: { script: "e2e.ts", quick: ["--devices", "200", "--rate", "2000", "--seconds", "5"] },
  peer: { script: "peer.ts", quick: ["--devices", "500"] },
  tracing: {
    script: "tracing.ts",
    quick: ["--devices", "500", "--duration", "2", "--events", "5000", "--rounds", "1"],
  },
};

const { values } = parseArgs({ options: { only: { type: "string" }, quick: { type: "boolean" } } });
const chosen = values.only ? values.only.split(",") : Object.keys(parts);
const here = fileURLToPath(new URL(".", import.meta.url));
const outcomes: (string | number)[][] = [];

for (const name of chosen) {
  const part = parts[name];
  if (!part) {
    console.error(`unknown part "${name}": one of ${Object.keys(parts).join(", ")}`);
    process.exit(2);
  }
  const script = join(here, part.script);
  if (!existsSync(script)) {
    outcomes.push([name, "missing", 0]);
    continue;
  }
  console.error(`\n== ${name}`);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", script, ...(values.quick ? part.quick : [])],
    { stdio: "inherit" },
  );
  outcomes.push([
    name,
    run.status === 0 ? "ok" : `failed (${run.status})`,
    Math.round((Date.now() - started) / 1000),
  ]);
}

const sections = chosen
  .map((name) => join(defaultResultsDir, `${name}.md`))
  .filter((file) => existsSync(file))
  .map((file) => readFileSync(file, "utf8"));
const summary = `# Benchmark summary\n\n${renderTable(["part", "outcome", "seconds"], outcomes)}\n\n${sections.join("\n\n")}`;
writeFileSync(join(defaultResultsDir, "summary.md"), summary);
console.log(
  `\n${renderTable(["part", "outcome", "seconds"], outcomes)}\n\nwrote ${join(defaultResultsDir, "summary.md")}`,
);
process.exit(outcomes.some((o) => String(o[1]).startsWith("failed")) ? 1 : 0);
