import { createEvent } from "@uaip/events";
import { describe, expect, it } from "vitest";
import type { AnyDeviceModel } from "./device-model.ts";
import { deviceTypes, modelFor, UnknownDeviceTypeError } from "./device-types.ts";
import { createRng } from "./rng.ts";

/** The range every reported metric must stay in, by type. */
const bounds: Record<string, Record<string, [number, number]>> = {
  "smart-bulb": { power: [0, 1], brightness: [0, 100], color: [0, 0xffffff], watts: [0.3, 9.5] },
  thermostat: {
    temperature: [5, 35],
    humidity: [25, 70],
    target: [5, 35],
    mode: [0, 3],
    heating: [0, 1],
    cooling: [0, 1],
  },
  camera: {
    streaming: [0, 1],
    motion: [0, 1],
    fps: [0, 60],
    bitrate_kbps: [0, 4_600],
    snapshots: [0, 0],
  },
  sensor: { temperature: [15, 30], humidity: [25, 70], battery: [20, 100] },
  "vibration-sensor": { vibration_mm_s: [0.5, 12], bearing_temp_c: [35, 90], rpm: [1_400, 1_520] },
  "temperature-sensor": { temperature: [40, 95] },
  "pressure-sensor": { pressure_bar: [2, 8], flow_l_min: [50, 200] },
  "street-light": { power: [0, 1], level: [0, 100], lux: [0, 44_000], watts: [0.8, 130] },
  "traffic-counter": {
    vehicles_per_min: [0, 200],
    avg_speed_kmh: [5, 70],
    occupancy_pct: [0, 100],
    vehicles_total: [0, 1e7],
  },
  "air-quality-station": {
    pm2_5: [0, 200],
    pm10: [0, 400],
    no2: [0, 200],
    o3: [0, 150],
    aqi: [0, 500],
    temperature: [-10, 40],
  },
  "patient-monitor": {
    heart_rate: [35, 190],
    spo2: [80, 100],
    bp_systolic: [90, 170],
    bp_diastolic: [55, 105],
    resp_rate: [8, 30],
    alarm: [0, 1],
  },
};

const start = new Date("2026-11-21T00:00:00.000Z");

/** A day of readings at irregular steps, from one seed. */
function day(model: AnyDeviceModel, seed: number): Record<string, number>[] {
  const rng = createRng(seed).fork(model.type);
  let at = start.getTime();
  let state = model.initial(rng, start);
  const out: Record<string, number>[] = [model.readings(state)];
  while (at < start.getTime() + 86_400_000) {
    const dt = rng.int(500, 120_000);
    at += dt;
    state = model.step(state, dt, { at: new Date(at), rng });
    out.push(model.readings(state));
  }
  return out;
}

describe("device models", () => {
  for (const [type, model] of Object.entries(deviceTypes)) {
    it(`${type} - a simulated day stays within bounds and is valid telemetry`, () => {
      const readings = day(model, 11);
      expect(readings.length).toBeGreaterThan(1_000);
      for (const r of readings) {
        expect(Object.keys(r).sort()).toEqual([...model.metrics].sort());
        for (const [metric, value] of Object.entries(r)) {
          const [min, max] = bounds[type]![metric]!;
          expect(value, `${metric}`).toBeGreaterThanOrEqual(min);
          expect(value, `${metric}`).toBeLessThanOrEqual(max);
        }
      }
      expect(() =>
        createEvent("telemetry.reported", "dev-1", { metrics: readings.at(-1)! }),
      ).not.toThrow();
      expect(() =>
        createEvent("device.registered", "dev-1", {
          name: type,
          type: model.type,
          capabilities: [...model.capabilities],
        }),
      ).not.toThrow();
    });

    it(`${type} - the same seed replays the same day, another seed does not`, () => {
      expect(day(model, 5)).toEqual(day(model, 5));
      expect(day(model, 5)).not.toEqual(day(model, 6));
    });

    it(`${type} - readings move over a day (not a constant)`, () => {
      const readings = day(model, 2);
      const varying = model.metrics.filter((m) => new Set(readings.map((r) => r[m])).size > 1);
      expect(varying.length).toBeGreaterThan(0);
    });
  }

  it("device models - an unknown type names the known ones; sensor metrics are configurable", () => {
    expect(() => modelFor("toaster")).toThrow(UnknownDeviceTypeError);
    expect(() => modelFor("toaster")).toThrow(/smart-bulb/);
    const co2 = modelFor("sensor", [{ name: "co2_ppm", min: 400, max: 1_500 }]);
    expect(co2.metrics).toEqual(["co2_ppm"]);
    for (const r of day(co2, 1)) expect(r.co2_ppm).toBeGreaterThanOrEqual(400);
  });
});
