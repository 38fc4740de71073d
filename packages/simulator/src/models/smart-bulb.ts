import {
  booleanParam,
  CommandRejectedError,
  type DeviceModel,
  numberParam,
  unknownCommand,
} from "./device-model.ts";
import { chanceIn, dailyCycle, fixed } from "./signals.ts";

export interface SmartBulbState {
  readonly on: boolean;
  /** 0–100 %. */
  readonly brightness: number;
  /** 0xRRGGBB. */
  readonly color: number;
  readonly watts: number;
}

const warmWhite = 0xffd6aa;
const maxWatts = 9;

/**
 * A dimmable colour bulb. People switch it now and then (more in the evening); it draws
 * power in proportion to its brightness.
 */
export const smartBulb: DeviceModel<SmartBulbState> = {
  type: "smart-bulb",
  description: "Dimmable colour bulb: power, brightness, colour, watts",
  capabilities: ["set_power", "set_brightness", "set_color"],
  metrics: ["power", "brightness", "color", "watts"],
  defaultIntervalMs: 5_000,
  faultReasons: ["driver overheating", "flicker detected"],

  initial(rng, at) {
    const on = dailyCycle(at, 21) > 0.3 ? rng.chance(0.7) : rng.chance(0.2);
    return settle({ on, brightness: rng.int(4, 10) * 10, color: warmWhite, watts: 0 });
  },

  step(s, dtMs, { at, rng }) {
    // Someone flips the switch: about twice an hour in the evening, rarely otherwise.
    const perHour = dailyCycle(at, 20) > 0.5 ? 2 : 0.2;
    const on = rng.chance(chanceIn(perHour, dtMs)) ? !s.on : s.on;
    return settle({ ...s, on }, rng.normal(0, 0.05));
  },

  readings: (s) => ({
    power: s.on ? 1 : 0,
    brightness: s.brightness,
    color: s.color,
    watts: s.watts,
  }),

  command(s, name, params) {
    switch (name) {
      case "set_power": {
        const on = booleanParam(params, "on");
        return { state: settle({ ...s, on }), result: { on } };
      }
      case "set_brightness": {
        const level = Math.round(numberParam(params, ["level", "brightness"], 0, 100));
        // A bulb dimmed to 0 is off; any other level switches it on.
        const next = settle({ ...s, brightness: level, on: level > 0 });
        return { state: next, result: { brightness: level, on: next.on } };
      }
      case "set_color": {
        const color = colorParam(params);
        return {
          state: settle({ ...s, color }),
          result: { color: `#${color.toString(16).padStart(6, "0")}` },
        };
      }
      default:
        throw unknownCommand("smart-bulb", name);
    }
  },
};

function settle(s: SmartBulbState, noise = 0): SmartBulbState {
  const watts = s.on ? 0.5 + (maxWatts - 0.5) * (s.brightness / 100) + noise : 0.3;
  return { ...s, watts: fixed(Math.max(watts, 0.3), 2) };
}

/** `color: "#rrggbb"` (or `rrggbb`), or `r`, `g`, `b` from 0 to 255. */
function colorParam(params: Record<string, unknown>): number {
  const raw = params.color;
  if (typeof raw === "string") {
    const m = /^#?([0-9a-fA-F]{6})$/.exec(raw.trim());
    if (m) return Number.parseInt(m[1]!, 16);
  } else if (raw === undefined && params.r !== undefined) {
    const [r, g, b] = ["r", "g", "b"].map((c) => Math.round(numberParam(params, [c], 0, 255)));
    return (r! << 16) | (g! << 8) | b!;
  }
  throw new CommandRejectedError(
    "INVALID_PARAMS",
    `color: must be "#rrggbb", or r, g and b from 0 to 255 (got ${JSON.stringify(raw)})`,
  );
}
