import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** A benchmark's outcome as a table, plus anything a reader needs to reproduce it. */
export interface BenchResult {
  readonly title: string;
  readonly columns: string[];
  readonly rows: (string | number)[][];
  readonly meta?: Record<string, unknown>;
}

export interface WriteOptions {
  /** Where `<name>.json` and `<name>.md` go; `bench/results/` by default. */
  readonly dir?: string;
  /** Print the table to stdout (default true). */
  readonly print?: boolean;
}

export const defaultResultsDir = fileURLToPath(new URL("../results/", import.meta.url));

/** The machine a result was measured on: numbers mean little without it. */
export function machineInfo() {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * Prints the table and writes `<dir>/<name>.json` (columns, rows, the rows again as records
 * keyed by column, meta, machine) and `<dir>/<name>.md`, creating the directory.
 *
 * @example
 * await writeResults("cache", { title: "Cache", columns: ["op", "ms"], rows: [["get", 1.2]] });
 */
export async function writeResults(
  name: string,
  result: BenchResult,
  opts: WriteOptions = {},
): Promise<void> {
  const dir = opts.dir ?? defaultResultsDir;
  const machine = machineInfo();
  const table = renderTable(result.columns, result.rows);
  if (opts.print ?? true) process.stdout.write(`\n${result.title}\n\n${table}\n`);

  const records = result.rows.map((row) =>
    Object.fromEntries(result.columns.map((column, i) => [column, row[i]])),
  );
  const json = {
    name,
    title: result.title,
    columns: result.columns,
    rows: result.rows,
    records,
    meta: result.meta ?? {},
    machine,
  };
  const metaLines = Object.entries({ ...machine, ...result.meta }).map(
    ([key, value]) => `- ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
  );
  const md = `# ${result.title}\n\n${table}\n\n${metaLines.join("\n")}\n`;

  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(dir, `${name}.md`), md);
}

/** A Markdown table padded to line up in a terminal too; numbers are right-aligned. */
export function renderTable(
  columns: readonly string[],
  rows: readonly (string | number)[][],
): string {
  const cells = rows.map((row) => columns.map((_, i) => String(row[i] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, 3, ...cells.map((r) => r[i]!.length)));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"),
  );
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(columns), rule, ...cells.map(line)].join("\n");
}
