import { describe, expect, it } from "vitest";
import { advanceTwin, commandTwin, createTwin, type TwinReport } from "./device-twin.ts";
import { createRng } from "./rng.ts";
import { smartBulb } from "./smart-bulb.ts";
import { thermostat } from "./thermostat.ts";

const start = new Date("2026-11-21T08:00:00.000Z");

function run(seed: number, rates: Parameters<typeof createTwin>[3], steps = 2_000, dt = 5_000) {
  const twin = createTwin(thermostat, createRng(seed).fork("t"), start, rates);
  const reports: TwinReport[] = [];
  for (let i = 1; i <= steps; i++)
    reports.push(advanceTwin(twin, dt, new Date(start.getTime() + i * dt)));
  return reports;
}

describe("device twin", () => {
  it("device twin - with no mishaps every step reports readings and nothing else", () => {
    const reports = run(1, {
      faultsPerHour: 0,
      outagesPerHour: 0,
      faultMs: [1, 1],
      outageMs: [1, 1],
    });
    expect(reports.every((r) => r.readings && !r.status && !r.presence)).toBe(true);
  });

  it("device twin - faults report error with a reason of the model, then recovered", () => {
    const reports = run(2, {
      faultsPerHour: 20,
      outagesPerHour: 0,
      faultMs: [10_000, 30_000],
      outageMs: [1, 1],
    });
    const statuses = reports.flatMap((r) => (r.status ? [r.status] : []));
    expect(statuses.length).toBeGreaterThan(10);
    statuses.forEach((s, i) => {
      if (i % 2 === 0) {
        expect(s.status).toBe("error");
        expect(thermostat.faultReasons).toContain(s.reason);
      } else expect(s).toEqual({ status: "online", reason: "recovered" });
    });
    // A device in a fault still reports.
    expect(reports.every((r) => r.readings)).toBe(true);
  });

  it("device twin - an outage goes offline, stays silent, and comes back online with readings", () => {
    const reports = run(3, {
      faultsPerHour: 0,
      outagesPerHour: 10,
      faultMs: [1, 1],
      outageMs: [20_000, 40_000],
    });
    const first = reports.findIndex((r) => r.presence === "offline");
    expect(first).toBeGreaterThanOrEqual(0);
    const back = reports.findIndex((r, i) => i > first && r.presence === "online");
    expect(back - first).toBeGreaterThanOrEqual(4); // 20 s at 5 s a step
    expect(back - first).toBeLessThanOrEqual(9);
    expect(reports.slice(first, back).every((r) => !r.readings)).toBe(true);
    expect(reports[back]!.readings).toBeDefined();
  });

  it("device twin - the same seed replays the same mishaps", () => {
    const rates = {
      faultsPerHour: 5,
      outagesPerHour: 5,
      faultMs: [1_000, 60_000],
      outageMs: [1_000, 60_000],
    } as const;
    expect(run(4, rates)).toEqual(run(4, rates));
    expect(run(4, rates)).not.toEqual(run(5, rates));
  });

  it("device twin - a command changes the state it reports next, a rejected one changes nothing", () => {
    const twin = createTwin(smartBulb, createRng(1), start);
    const { result, readings } = commandTwin(twin, "set_brightness", { level: 42 }, start);
    expect(result).toEqual({ brightness: 42, on: true });
    expect(readings.brightness).toBe(42);
    expect(() => commandTwin(twin, "set_brightness", { level: -1 }, start)).toThrow(/level/);
    expect(advanceTwin(twin, 1_000, new Date(start.getTime() + 1_000)).readings?.brightness).toBe(
      42,
    );
  });
});
