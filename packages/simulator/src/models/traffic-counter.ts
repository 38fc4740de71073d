import { type DeviceModel, unknownCommand } from "./device-model.ts";
import { clamp, fixed } from "./signals.ts";

export interface TrafficCounterState {
  /** Vehicles per minute over the last interval. */
  readonly perMinute: number;
  readonly speedKmh: number;
  /** Share of time a vehicle is over the loop, %. */
  readonly occupancy: number;
  /** Vehicles since the last reset. */
  readonly total: number;
  /** This road's size: its free-flow volume factor. */
  readonly capacity: number;
}

/** Expected vehicles per minute at an hour: two rush hours (8:00, 17:30) over a daytime base. */
export function trafficVolume(at: Date, capacity: number): number {
  const h = at.getUTCHours() + at.getUTCMinutes() / 60;
  const bump = (peak: number, width: number) => Math.exp(-(((h - peak) / width) ** 2));
  const day = h >= 6 && h <= 22 ? 0.35 : 0.05;
  return capacity * (day + 0.9 * bump(8, 1.2) + 0.8 * bump(17.5, 1.5));
}

/** An induction-loop traffic counter: volume with rush hours, speed falling as it fills. */
export const trafficCounter: DeviceModel<TrafficCounterState> = {
  type: "traffic-counter",
  description: "Induction-loop traffic counter: vehicles/min, average speed, occupancy",
  capabilities: ["reset_counter"],
  metrics: ["vehicles_per_min", "avg_speed_kmh", "occupancy_pct", "vehicles_total"],
  defaultIntervalMs: 10_000,
  faultReasons: ["loop detector fault", "cabinet door open"],

  initial: (rng) => ({
    perMinute: 0,
    speedKmh: 50,
    occupancy: 0,
    total: 0,
    capacity: rng.between(20, 45),
  }),

  step(s, dtMs, { at, rng }) {
    const expected = trafficVolume(at, s.capacity);
    // Counting noise ~ Poisson: sd = √mean (per minute).
    const perMinute = Math.max(0, Math.round(rng.normal(expected, Math.sqrt(expected + 1))));
    const load = clamp(perMinute / (s.capacity * 1.4), 0, 1);
    const speedKmh = clamp(rng.normal(52 - 30 * load ** 2, 3), 5, 70);
    const occupancy = clamp(load * 60 + rng.normal(0, 2), 0, 100);
    const total = s.total + Math.round((perMinute * dtMs) / 60_000);
    return { ...s, perMinute, speedKmh, occupancy, total };
  },

  readings: (s) => ({
    vehicles_per_min: s.perMinute,
    avg_speed_kmh: fixed(s.speedKmh, 1),
    occupancy_pct: fixed(s.occupancy, 1),
    vehicles_total: s.total,
  }),

  command(s, name) {
    if (name !== "reset_counter") throw unknownCommand("traffic-counter", name);
    return { state: { ...s, total: 0 }, result: { previous: s.total } };
  },
};
