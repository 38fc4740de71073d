import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../scenario/scenario.ts";
import { recoveryText, renderTable, resultColumns, resultRows } from "./results-table.ts";

const result = (over: Partial<ScenarioResult>): ScenarioResult => ({
  scenario: "x",
  passed: true,
  quick: true,
  seed: 1,
  seconds: 1,
  eventsUnderLoad: 10,
  eventsSent: 10,
  recoveryMs: 1_234,
  lost: 0,
  drift: 0,
  doubleApplied: 0,
  processes: { alive: 2, expected: 2 },
  faults: [{ fault: "f", atSeconds: 1, outageMs: 0, recoveryMs: 1_234 }],
  failures: [],
  observations: {},
  ...over,
});

describe("results table", () => {
  it("results table - one row per scenario with recovery, losses, drift, processes and verdict", () => {
    const rows = resultRows([
      result({ scenario: "projector-kill" }),
      result({
        scenario: "postgres-stop",
        passed: false,
        recoveryMs: null,
        lost: 2,
        processes: { alive: 1, expected: 2 },
      }),
      result({ scenario: "resurrection", faults: [], recoveryMs: null }),
    ]);
    expect(rows).toEqual([
      ["projector-kill", "10", "1.2 s", "0", "0", "0", "2/2", "pass"],
      ["postgres-stop", "10", "never", "2", "0", "0", "1/2", "FAIL"],
      ["resurrection", "10", "-", "0", "0", "0", "2/2", "pass"],
    ]);
    const table = renderTable(resultColumns, rows).split("\n");
    expect(table[0]).toMatch(/^\| scenario +\| events under load \| recovery \|/);
    expect(table[1]).toMatch(/^\|-+\|-+:\|/); // numbers right-aligned
    expect(table).toHaveLength(5);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
  });

  it("results table - recovery reads never when a fault did not recover, - when there was none", () => {
    expect([recoveryText(null, 1), recoveryText(null, 0), recoveryText(15_050, 3)]).toEqual([
      "never",
      "-",
      "15.1 s",
    ]);
  });
});
