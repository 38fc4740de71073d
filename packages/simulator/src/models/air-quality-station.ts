import { type DeviceModel, unknownCommand } from "./device-model.ts";
import { clamp, dailyCycle, fixed, walk } from "./signals.ts";
import { trafficVolume } from "./traffic-counter.ts";

export interface AirQualityState {
  /** Background PM2.5 the traffic adds to, µg/m³. */
  readonly background: number;
  readonly pm25: number;
  readonly pm10: number;
  readonly no2: number;
  readonly o3: number;
  readonly temperature: number;
  /** Sensor drift since the last calibration, µg/m³. */
  readonly drift: number;
}

/** US EPA AQI for a PM2.5 concentration (µg/m³), by linear interpolation between breakpoints. */
export function aqiFromPm25(pm25: number): number {
  const table: [number, number, number, number][] = [
    [0, 12, 0, 50],
    [12.1, 35.4, 51, 100],
    [35.5, 55.4, 101, 150],
    [55.5, 150.4, 151, 200],
    [150.5, 250.4, 201, 300],
    [250.5, 500.4, 301, 500],
  ];
  const c = clamp(pm25, 0, 500.4);
  const row = table.find(([lo, hi]) => c >= lo && c <= hi) ?? table.find(([, hi]) => c <= hi)!;
  const [cLo, cHi, iLo, iHi] = row;
  return Math.round(((iHi - iLo) / (cHi - cLo)) * (c - cLo) + iLo);
}

/**
 * A roadside air-quality station: particulates and NO₂ follow the traffic, ozone the
 * afternoon sun; its sensor drifts until calibrated.
 */
export const airQualityStation: DeviceModel<AirQualityState> = {
  type: "air-quality-station",
  description: "Air-quality station: PM2.5, PM10, NO2, O3, AQI, temperature",
  capabilities: ["calibrate"],
  metrics: ["pm2_5", "pm10", "no2", "o3", "aqi", "temperature"],
  defaultIntervalMs: 15_000,
  faultReasons: ["sensor fan stalled", "inlet heater failure"],

  initial: (rng) => ({
    background: rng.between(4, 12),
    pm25: 10,
    pm10: 16,
    no2: 25,
    o3: 40,
    temperature: 12,
    drift: 0,
  }),

  step(s, dtMs, { at, rng }) {
    const traffic = trafficVolume(at, 1);
    const background = walk(s.background, { min: 3, max: 25, perSecond: 0.01 }, dtMs, rng);
    const drift = s.drift + (dtMs / 3_600_000) * 0.2;
    const pm25 = Math.max(0, background + 18 * traffic + rng.normal(0, 1) + drift);
    return {
      ...s,
      background,
      drift,
      pm25,
      pm10: pm25 * rng.between(1.4, 1.8),
      no2: Math.max(0, 15 + 60 * traffic + rng.normal(0, 3)),
      o3: Math.max(0, 45 + 35 * dailyCycle(at, 15) + rng.normal(0, 3)),
      temperature: 12 + 6 * dailyCycle(at, 15) + rng.normal(0, 0.2),
    };
  },

  readings: (s) => ({
    pm2_5: fixed(s.pm25, 1),
    pm10: fixed(s.pm10, 1),
    no2: fixed(s.no2, 0),
    o3: fixed(s.o3, 0),
    aqi: aqiFromPm25(s.pm25),
    temperature: fixed(s.temperature, 1),
  }),

  command(s, name) {
    if (name !== "calibrate") throw unknownCommand("air-quality-station", name);
    return {
      state: { ...s, pm25: Math.max(0, s.pm25 - s.drift), drift: 0 },
      result: { removedDrift: fixed(s.drift, 2) },
    };
  },
};
