import type { ScenarioResult } from "../scenario/scenario.ts";

export const resultColumns = [
  "scenario",
  "events under load",
  "recovery",
  "lost",
  "drift",
  "double-applied",
  "processes alive",
  "result",
] as const;

/** Milliseconds as seconds with one decimal, or "never" when it did not recover. */
export function recoveryText(ms: number | null, faults: number): string {
  if (faults === 0) return "-";
  return ms === null ? "never" : `${(ms / 1000).toFixed(1)} s`;
}

/** One row per scenario, in the columns above. */
export function resultRows(results: readonly ScenarioResult[]): string[][] {
  return results.map((r) => [
    r.scenario,
    String(r.eventsUnderLoad),
    recoveryText(r.recoveryMs, r.faults.length),
    String(r.lost),
    String(r.drift),
    String(r.doubleApplied),
    `${r.processes.alive}/${r.processes.expected}`,
    r.passed ? "pass" : "FAIL",
  ]);
}

/**
 * A Markdown table (which reads as plain text too), numbers right-aligned. Pure.
 *
 * @example
 * renderTable(["a", "n"], [["x", "1"]]);
 * // | a | n |
 * // |---|--:|
 * // | x | 1 |
 */
export function renderTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = columns.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[\d./ s-]+$|^never$/.test(r[i] ?? "")),
  );
  const cell = (text: string, i: number) =>
    numeric[i] ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0);
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(columns), rule, ...rows.map(line)].join("\n");
}
