import { describe, expect, it } from "vitest";
import { airQualityStation } from "./air-quality-station.ts";
import { camera } from "./camera.ts";
import { type AnyDeviceModel, CommandRejectedError, type ModelContext } from "./device-model.ts";
import { deviceTypes } from "./device-types.ts";
import { patientMonitor } from "./patient-monitor.ts";
import { createRng } from "./rng.ts";
import { pressureSensor } from "./sensor.ts";
import { smartBulb } from "./smart-bulb.ts";
import { streetLight } from "./street-light.ts";
import { thermostat } from "./thermostat.ts";
import { trafficCounter } from "./traffic-counter.ts";

const at = new Date("2026-11-21T12:00:00.000Z");
const ctx = (): ModelContext => ({ at, rng: createRng(9) });

/** Runs commands in turn from the model's initial state; returns the last effect's readings and result. */
function after(model: AnyDeviceModel, ...commands: [string, Record<string, unknown>][]) {
  let state = model.initial(createRng(1), at);
  let result: Record<string, unknown> = {};
  for (const [name, params] of commands) {
    const effect = model.command(state, name, params, ctx());
    state = effect.state;
    result = effect.result;
  }
  return { readings: model.readings(state), result, state };
}

const rejected = (model: AnyDeviceModel, name: string, params: Record<string, unknown>) => {
  try {
    model.command(model.initial(createRng(1), at), name, params, ctx());
  } catch (err) {
    return err instanceof CommandRejectedError ? err.code : "other";
  }
  return "accepted";
};

describe("device commands", () => {
  it("smart-bulb - set_brightness, set_power and set_color change what it reports", () => {
    const dimmed = after(smartBulb, ["set_brightness", { level: 35 }]);
    expect(dimmed.readings).toMatchObject({ brightness: 35, power: 1 });
    expect(dimmed.result).toEqual({ brightness: 35, on: true });
    expect(after(smartBulb, ["set_brightness", { level: 0 }]).readings.power).toBe(0);
    const off = after(smartBulb, ["set_brightness", { level: 80 }], ["set_power", { on: false }]);
    expect(off.readings).toMatchObject({ power: 0, brightness: 80, watts: 0.3 });
    expect(
      after(smartBulb, ["set_power", { on: true }], ["set_brightness", { level: 100 }]).readings
        .watts,
    ).toBe(9);
    const red = after(smartBulb, ["set_color", { color: "#ff0000" }]);
    expect(red.readings.color).toBe(0xff0000);
    expect(red.result).toEqual({ color: "#ff0000" });
    expect(after(smartBulb, ["set_color", { r: 0, g: 0, b: 255 }]).readings.color).toBe(0x0000ff);
  });

  it("thermostat - set_target and set_mode change the set point and the HVAC", () => {
    const warm = after(thermostat, ["set_target", { temperature: 30 }]);
    expect(warm.readings.target).toBe(30);
    // Well below target in auto mode: the next step heats.
    const next = thermostat.step(warm.state, 60_000, ctx());
    expect(thermostat.readings(next)).toMatchObject({ heating: 1, cooling: 0 });
    const off = after(thermostat, ["set_target", { target: 30 }], ["set_mode", { mode: "off" }]);
    expect(thermostat.readings(thermostat.step(off.state, 60_000, ctx()))).toMatchObject({
      heating: 0,
      mode: 0,
    });
    const cool = after(
      thermostat,
      ["set_target", { temperature: 5 }],
      ["set_mode", { mode: "cool" }],
    );
    expect(thermostat.readings(thermostat.step(cool.state, 60_000, ctx()))).toMatchObject({
      cooling: 1,
      mode: 2,
    });
  });

  it("camera - start_stream, stop_stream and snapshot", () => {
    const stopped = after(camera, ["stop_stream", {}]);
    expect(stopped.readings).toMatchObject({ streaming: 0, fps: 0, bitrate_kbps: 0 });
    const streaming = after(camera, ["stop_stream", {}], ["start_stream", { fps: 15 }]);
    expect(streaming.readings).toMatchObject({ streaming: 1, fps: 15 });
    const snap = after(camera, ["snapshot", {}], ["snapshot", {}]);
    expect(snap.readings.snapshots).toBe(2);
    expect(snap.result).toMatchObject({ snapshot: 2, takenAt: at.toISOString() });
  });

  it("other types - street light, traffic counter, air quality, patient monitor, sensor", () => {
    expect(after(streetLight, ["set_brightness", { level: 40 }]).readings).toMatchObject({
      power: 1,
      level: 40,
    });
    expect(after(streetLight, ["set_power", { on: false }]).result).toMatchObject({
      on: false,
      mode: "manual",
    });
    expect(
      after(streetLight, ["set_power", { on: true }], ["set_mode", { mode: "auto" }]).readings
        .power,
    ).toBe(0); // noon: off
    const counter = trafficCounter.step(trafficCounter.initial(createRng(1), at), 600_000, ctx());
    const reset = trafficCounter.command(counter, "reset_counter", {}, ctx());
    expect(reset.result.previous).toBe(counter.total);
    expect(trafficCounter.readings(reset.state).vehicles_total).toBe(0);
    expect(after(airQualityStation, ["calibrate", {}]).result).toHaveProperty("removedDrift");
    const limits = after(patientMonitor, ["set_alarm_limits", { hr_low: 95 }]);
    expect(limits.result).toMatchObject({ hrLow: 95, hrHigh: 120 });
    expect(limits.readings.alarm).toBe(1);
    expect(
      after(patientMonitor, ["set_alarm_limits", { hr_low: 95 }], ["silence_alarm", { minutes: 5 }])
        .readings.alarm,
    ).toBe(0);
    const before = after(pressureSensor).readings.pressure_bar!;
    expect(
      after(pressureSensor, ["calibrate", { metric: "pressure_bar", offset: 0.5 }]).readings
        .pressure_bar,
    ).toBeCloseTo(before + 0.5, 5);
  });

  it("device commands - bad params and unknown names are rejected with a code, on every type", () => {
    expect(rejected(smartBulb, "set_brightness", { level: 140 })).toBe("INVALID_PARAMS");
    expect(rejected(smartBulb, "set_brightness", { level: "bright" })).toBe("INVALID_PARAMS");
    expect(rejected(smartBulb, "set_power", { on: "maybe" })).toBe("INVALID_PARAMS");
    expect(rejected(smartBulb, "set_color", { color: "red" })).toBe("INVALID_PARAMS");
    expect(rejected(thermostat, "set_target", { temperature: 99 })).toBe("INVALID_PARAMS");
    expect(rejected(thermostat, "set_mode", { mode: "turbo" })).toBe("INVALID_PARAMS");
    expect(rejected(camera, "start_stream", { fps: 0 })).toBe("INVALID_PARAMS");
    expect(rejected(pressureSensor, "calibrate", { metric: "nope", offset: 1 })).toBe(
      "INVALID_PARAMS",
    );
    for (const model of Object.values(deviceTypes)) {
      expect(rejected(model, "self_destruct", {})).toBe("UNKNOWN_COMMAND");
      // Every declared capability is handled (none falls through to "unknown").
      for (const name of model.capabilities)
        expect(rejected(model, name, {})).not.toBe("UNKNOWN_COMMAND");
    }
  });
});
