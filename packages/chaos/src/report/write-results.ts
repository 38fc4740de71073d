import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ScenarioResult } from "../scenario/scenario.ts";
import { recoveryText, renderTable, resultColumns, resultRows } from "./results-table.ts";

/** `packages/chaos/results/`. */
export const defaultResultsDir = fileURLToPath(new URL("../../results/", import.meta.url));

export interface RunInfo {
  readonly quick: boolean;
  /** Scenarios chosen with --only, when not all of them ran. */
  readonly only?: readonly string[];
  readonly seed: number;
  readonly seconds: number;
  readonly startedAt: string;
}

function machine() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

/** The whole run as Markdown: the table, then each scenario's faults and failures. */
export function resultsMarkdown(results: readonly ScenarioResult[], info: RunInfo): string {
  const m = machine();
  const out = [
    `# Chaos run (${info.quick ? "--quick" : "full size"}${info.only ? `, --only ${info.only.join(",")}` : ""})`,
    "",
    `${info.startedAt}, ${info.seconds.toFixed(0)} s, seed ${info.seed}; ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}.`,
    "Recovery: from the end of a fault until every projection's checkpoint reached the stream heads of that moment (the longest of a scenario's faults).",
    "",
    renderTable(resultColumns, resultRows(results)),
  ];
  for (const r of results) {
    out.push("", `## ${r.scenario}: ${r.passed ? "pass" : "FAIL"} (${r.seconds} s)`, "");
    for (const f of r.faults) {
      const also = Object.entries(f.also ?? {})
        .map(([k, v]) => `, ${k} ${recoveryText(v, 1)}`)
        .join("");
      out.push(
        `- at ${f.atSeconds} s: ${f.fault}${f.outageMs > 0 ? ` for ${(f.outageMs / 1000).toFixed(1)} s` : ""}; projections recovered in ${recoveryText(f.recoveryMs, 1)}${also}${f.note ? `; ${f.note}` : ""}`,
      );
    }
    for (const failure of r.failures) out.push(`- **failed:** ${failure}`);
    const obs = Object.entries(r.observations).filter(([k]) => k !== "verify");
    for (const [k, v] of obs) out.push(`- ${k}: \`${JSON.stringify(v)}\``);
  }
  return `${out.join("\n")}\n`;
}

/**
 * Writes `<dir>/chaos[-quick][-partial].json` and `.md` (partial: a run with --only, which
 * leaves the last complete run's files alone); returns the Markdown file's path.
 */
export async function writeResults(
  results: readonly ScenarioResult[],
  info: RunInfo,
  dir = defaultResultsDir,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const base = join(dir, `chaos${info.quick ? "-quick" : ""}${info.only ? "-partial" : ""}`);
  await writeFile(
    `${base}.json`,
    `${JSON.stringify({ ...info, machine: machine(), results }, null, 2)}\n`,
  );
  await writeFile(`${base}.md`, resultsMarkdown(results, info));
  return `${base}.md`;
}
