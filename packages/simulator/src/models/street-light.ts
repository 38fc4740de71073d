import {
  booleanParam,
  choiceParam,
  type DeviceModel,
  numberParam,
  unknownCommand,
} from "./device-model.ts";
import { dailyCycle, fixed } from "./signals.ts";

export interface StreetLightState {
  /** Auto: lights itself when it gets dark; manual: as commanded. */
  readonly mode: "auto" | "manual";
  readonly on: boolean;
  /** Dimming level, %. */
  readonly level: number;
  /** Ambient light, lux. */
  readonly lux: number;
  readonly watts: number;
}

/** Daylight in lux: up to ~40 000 at noon, nothing at night, with some cloud. */
export function daylight(at: Date, cloud: number): number {
  return Math.max(0, dailyCycle(at, 12.5) - 0.1) * 44_000 * (1 - cloud);
}

/** An LED street light with a dusk sensor; dims to 50% in the dead of night. */
export const streetLight: DeviceModel<StreetLightState> = {
  type: "street-light",
  description: "LED street light: power, dimming level, ambient lux, watts",
  capabilities: ["set_power", "set_brightness", "set_mode"],
  metrics: ["power", "level", "lux", "watts"],
  defaultIntervalMs: 10_000,
  faultReasons: ["lamp failure", "power surge"],

  initial: (rng, at) =>
    auto(
      { mode: "auto", on: false, level: 0, lux: daylight(at, rng.between(0, 0.5)), watts: 0 },
      at,
    ),

  step(s, _dtMs, { at, rng }) {
    const lux = daylight(at, rng.between(0, 0.5));
    return s.mode === "auto" ? auto({ ...s, lux }, at) : power({ ...s, lux });
  },

  readings: (s) => ({
    power: s.on ? 1 : 0,
    level: s.level,
    lux: Math.round(s.lux),
    watts: fixed(s.watts, 1),
  }),

  command(s, name, params, { at }) {
    switch (name) {
      case "set_power": {
        const on = booleanParam(params, "on");
        const next = power({ ...s, mode: "manual", on, level: on ? s.level || 100 : 0 });
        return { state: next, result: { on, level: next.level, mode: next.mode } };
      }
      case "set_brightness": {
        const level = Math.round(numberParam(params, ["level", "brightness"], 0, 100));
        const next = power({ ...s, mode: "manual", on: level > 0, level });
        return { state: next, result: { level, on: next.on, mode: next.mode } };
      }
      case "set_mode": {
        const mode = choiceParam(params, "mode", ["auto", "manual"] as const);
        const next = mode === "auto" ? auto({ ...s, mode }, at) : { ...s, mode };
        return { state: next, result: { mode, on: next.on, level: next.level } };
      }
      default:
        throw unknownCommand("street-light", name);
    }
  },
};

function auto(s: StreetLightState, at: Date): StreetLightState {
  const dark = s.lux < 50;
  const deadOfNight = dailyCycle(at, 3) > 0.7;
  return power({ ...s, on: dark, level: dark ? (deadOfNight ? 50 : 100) : 0 });
}

function power(s: StreetLightState): StreetLightState {
  return { ...s, watts: s.on ? 12 + 118 * (s.level / 100) : 0.8 };
}
