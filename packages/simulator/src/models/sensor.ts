import {
  CommandRejectedError,
  type DeviceModel,
  numberParam,
  unknownCommand,
} from "./device-model.ts";
import { clamp, dailyCycle, fixed, walk } from "./signals.ts";

/** One metric a sensor reports: a random walk within bounds, optionally with a daily swing. */
export interface MetricSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Standard deviation of one second's move; default (max − min) / 400. */
  readonly perSecond?: number;
  /** A daily swing of ± `amplitude`, highest at `peakHour` (UTC). */
  readonly cycle?: { readonly amplitude: number; readonly peakHour: number };
  /** Decimals reported; default 2. */
  readonly digits?: number;
}

/** A kind of sensor: its registered type and the metrics it reports. */
export interface SensorSpec {
  readonly type: string;
  readonly description?: string;
  readonly metrics: readonly MetricSpec[];
  readonly faultReasons?: readonly string[];
  readonly intervalMs?: number;
}

export interface SensorState {
  /** The walking part of each metric (before the daily swing and calibration offset). */
  readonly values: Readonly<Record<string, number>>;
  /** Calibration offsets set by `calibrate`. */
  readonly offsets: Readonly<Record<string, number>>;
  /** The last reported values, so readings need no clock. */
  readonly reported: Readonly<Record<string, number>>;
}

/**
 * A sensor with configurable metrics. Accepts `calibrate { metric, offset }`.
 *
 * @example
 * const probe = sensorModel({ type: "sensor", metrics: [{ name: "temperature", min: 15, max: 30 }] });
 */
export function sensorModel(spec: SensorSpec): DeviceModel<SensorState> {
  if (spec.metrics.length === 0) throw new RangeError(`${spec.type}: needs at least one metric`);
  const metrics = spec.metrics;
  const report = (values: Record<string, number>, offsets: Record<string, number>, at: Date) => {
    const out: Record<string, number> = {};
    for (const m of metrics) {
      const swing = m.cycle ? m.cycle.amplitude * dailyCycle(at, m.cycle.peakHour) : 0;
      out[m.name] = fixed(
        clamp(values[m.name]! + swing, m.min, m.max) + (offsets[m.name] ?? 0),
        m.digits ?? 2,
      );
    }
    return out;
  };
  return {
    type: spec.type,
    description: spec.description ?? `Sensor: ${metrics.map((m) => m.name).join(", ")}`,
    capabilities: ["calibrate"],
    metrics: metrics.map((m) => m.name),
    defaultIntervalMs: spec.intervalMs ?? 5_000,
    faultReasons: spec.faultReasons ?? ["calibration drift", "low battery"],

    initial(rng, at) {
      const values: Record<string, number> = {};
      for (const m of metrics) {
        const amp = m.cycle?.amplitude ?? 0;
        const lo = Math.min(m.min + amp, (m.min + m.max) / 2);
        const hi = Math.max(m.max - amp, (m.min + m.max) / 2);
        values[m.name] = rng.between(lo, hi);
      }
      return { values, offsets: {}, reported: report(values, {}, at) };
    },

    step(s, dtMs, { at, rng }) {
      const values: Record<string, number> = {};
      for (const m of metrics) {
        const perSecond = m.perSecond ?? (m.max - m.min) / 400;
        values[m.name] = walk(s.values[m.name]!, { min: m.min, max: m.max, perSecond }, dtMs, rng);
      }
      return { ...s, values, reported: report(values, s.offsets, at) };
    },

    readings: (s) => ({ ...s.reported }),

    command(s, name, params) {
      if (name !== "calibrate") throw unknownCommand(spec.type, name);
      const metric = params.metric;
      const m = metrics.find((x) => x.name === metric);
      if (!m) {
        throw new CommandRejectedError(
          "INVALID_PARAMS",
          `metric: must be one of ${metrics.map((x) => x.name).join(", ")} (got ${JSON.stringify(metric)})`,
        );
      }
      const span = m.max - m.min;
      const offset = numberParam(params, ["offset"], -span, span);
      const offsets = { ...s.offsets, [m.name]: offset };
      const reported = {
        ...s.reported,
        [m.name]: fixed(s.reported[m.name]! - (s.offsets[m.name] ?? 0) + offset, m.digits ?? 2),
      };
      return { state: { ...s, offsets, reported }, result: { metric: m.name, offset } };
    },
  };
}

/**
 * Parses `name:min:max[,…]`, e.g. `temperature:15:30,humidity:20:80`; throws a RangeError
 * naming the entry at fault.
 */
export function parseMetricSpecs(text: string): MetricSpec[] {
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, lo, hi] = entry.split(":");
      const min = Number(lo);
      const max = Number(hi);
      if (!name || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name) || !(min < max)) {
        throw new RangeError(`"${entry}" is not name:min:max with a metric name and min < max`);
      }
      return { name, min, max };
    });
}

/** What `--types sensor` reports unless told otherwise. */
export const defaultSensorMetrics: readonly MetricSpec[] = [
  { name: "temperature", min: 15, max: 30, cycle: { amplitude: 2, peakHour: 15 }, digits: 1 },
  { name: "humidity", min: 25, max: 70, digits: 0 },
  { name: "battery", min: 20, max: 100, perSecond: 0.001, digits: 0 },
];

/** Machine vibration on a production line. */
export const vibrationSensor = sensorModel({
  type: "vibration-sensor",
  description: "Machine vibration: RMS velocity, bearing temperature, shaft speed",
  metrics: [
    { name: "vibration_mm_s", min: 0.5, max: 12, perSecond: 0.05 },
    { name: "bearing_temp_c", min: 35, max: 90, perSecond: 0.05, digits: 1 },
    { name: "rpm", min: 1_400, max: 1_520, perSecond: 2, digits: 0 },
  ],
  faultReasons: ["bearing wear detected", "vibration above ISO 10816 zone C"],
  intervalMs: 2_000,
});

/** Process temperature (ovens, tanks). */
export const temperatureSensor = sensorModel({
  type: "temperature-sensor",
  description: "Process temperature probe",
  metrics: [
    {
      name: "temperature",
      min: 40,
      max: 95,
      perSecond: 0.05,
      cycle: { amplitude: 3, peakHour: 14 },
      digits: 1,
    },
  ],
  faultReasons: ["thermocouple open circuit", "calibration drift"],
  intervalMs: 5_000,
});

/** Line pressure and flow. */
export const pressureSensor = sensorModel({
  type: "pressure-sensor",
  description: "Line pressure and flow",
  metrics: [
    { name: "pressure_bar", min: 2, max: 8, perSecond: 0.01 },
    { name: "flow_l_min", min: 50, max: 200, perSecond: 0.4, digits: 0 },
  ],
  faultReasons: ["pressure drop", "transducer saturated"],
  intervalMs: 5_000,
});
