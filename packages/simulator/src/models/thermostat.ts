import { choiceParam, type DeviceModel, numberParam, unknownCommand } from "./device-model.ts";
import { approach, clamp, dailyCycle, fixed, walk } from "./signals.ts";

export const ThermostatModes = ["off", "heat", "cool", "auto"] as const;
export type ThermostatMode = (typeof ThermostatModes)[number];

export interface ThermostatState {
  /** Room temperature, °C. */
  readonly temperature: number;
  /** Relative humidity, %. */
  readonly humidity: number;
  /** Set point, °C. */
  readonly target: number;
  readonly mode: ThermostatMode;
  readonly heating: boolean;
  readonly cooling: boolean;
}

const hysteresis = 0.3;
/** How fast the room follows the outside with the HVAC idle. */
const leakTauMs = 3 * 3_600_000;
/** °C per minute the HVAC moves the room when running. */
const hvacPerMinute = 0.15;

/** Outside temperature: 12 °C ± 6, warmest at 15:00. */
export function outdoorTemperature(at: Date): number {
  return 12 + 6 * dailyCycle(at, 15);
}

/**
 * A room thermostat: the room drifts toward the outside temperature and the HVAC pushes it
 * toward the set point, switching with a hysteresis of ±0.3 °C.
 */
export const thermostat: DeviceModel<ThermostatState> = {
  type: "thermostat",
  description: "Room thermostat: temperature, humidity, target, mode, heating/cooling",
  capabilities: ["set_target", "set_mode"],
  metrics: ["temperature", "humidity", "target", "mode", "heating", "cooling"],
  defaultIntervalMs: 5_000,
  faultReasons: ["temperature sensor out of range", "HVAC not responding"],

  initial: (rng) => ({
    temperature: fixed(rng.between(18, 23), 2),
    humidity: fixed(rng.between(35, 55), 1),
    target: 21,
    mode: "auto",
    heating: false,
    cooling: false,
  }),

  step(s, dtMs, { at, rng }) {
    const heating = wants(s, "heat");
    const cooling = wants(s, "cool");
    const hvac = ((heating ? 1 : 0) - (cooling ? 1 : 0)) * hvacPerMinute * (dtMs / 60_000);
    const drifted = approach(s.temperature, outdoorTemperature(at), leakTauMs, dtMs) + hvac;
    const temperature = walk(drifted, { min: 5, max: 35, perSecond: 0.005 }, dtMs, rng);
    const humidity = walk(s.humidity, { min: 25, max: 70, perSecond: 0.05 }, dtMs, rng);
    return { ...s, temperature, humidity, heating, cooling };
  },

  readings: (s) => ({
    temperature: fixed(s.temperature, 1),
    humidity: fixed(s.humidity, 0),
    target: s.target,
    mode: ThermostatModes.indexOf(s.mode),
    heating: s.heating ? 1 : 0,
    cooling: s.cooling ? 1 : 0,
  }),

  command(s, name, params) {
    switch (name) {
      case "set_target": {
        const target = fixed(numberParam(params, ["temperature", "target"], 5, 35), 1);
        return { state: { ...s, target }, result: { target, mode: s.mode } };
      }
      case "set_mode": {
        const mode = choiceParam(params, "mode", ThermostatModes);
        const off = mode === "off";
        return {
          state: { ...s, mode, heating: off ? false : s.heating, cooling: off ? false : s.cooling },
          result: { mode, target: s.target },
        };
      }
      default:
        throw unknownCommand("thermostat", name);
    }
  },
};

/** Whether the HVAC runs in this direction now, with hysteresis around the target. */
function wants(s: ThermostatState, dir: "heat" | "cool"): boolean {
  if (s.mode === "off" || (s.mode !== "auto" && s.mode !== dir)) return false;
  const running = dir === "heat" ? s.heating : s.cooling;
  const gap = clamp(dir === "heat" ? s.target - s.temperature : s.temperature - s.target, -50, 50);
  return running ? gap > -hysteresis : gap > hysteresis;
}
