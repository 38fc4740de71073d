import { airQualityStation } from "./air-quality-station.ts";
import { camera } from "./camera.ts";
import type { AnyDeviceModel } from "./device-model.ts";
import { patientMonitor } from "./patient-monitor.ts";
import {
  defaultSensorMetrics,
  type MetricSpec,
  pressureSensor,
  sensorModel,
  temperatureSensor,
  vibrationSensor,
} from "./sensor.ts";
import { smartBulb } from "./smart-bulb.ts";
import { streetLight } from "./street-light.ts";
import { thermostat } from "./thermostat.ts";
import { trafficCounter } from "./traffic-counter.ts";

/** Every device type the simulator can play, by the type it registers with. */
export const deviceTypes: Readonly<Record<string, AnyDeviceModel>> = {
  "smart-bulb": smartBulb,
  thermostat,
  camera,
  sensor: sensorModel({ type: "sensor", metrics: defaultSensorMetrics }),
  "vibration-sensor": vibrationSensor,
  "temperature-sensor": temperatureSensor,
  "pressure-sensor": pressureSensor,
  "street-light": streetLight,
  "traffic-counter": trafficCounter,
  "air-quality-station": airQualityStation,
  "patient-monitor": patientMonitor,
};

/** A type name the simulator does not know; `message` lists the ones it does. */
export class UnknownDeviceTypeError extends Error {
  override readonly name = "UnknownDeviceTypeError";
  constructor(readonly type: string) {
    super(`unknown device type "${type}": one of ${Object.keys(deviceTypes).join(", ")}`);
  }
}

/**
 * The model of a device type; `sensorMetrics` replaces the metrics of the plain `sensor`.
 *
 * @example
 * modelFor("sensor", [{ name: "co2_ppm", min: 400, max: 1500 }]).metrics; // ["co2_ppm"]
 */
export function modelFor(type: string, sensorMetrics?: readonly MetricSpec[]): AnyDeviceModel {
  if (type === "sensor" && sensorMetrics && sensorMetrics.length > 0) {
    return sensorModel({ type: "sensor", metrics: sensorMetrics });
  }
  const model = deviceTypes[type];
  if (!model) throw new UnknownDeviceTypeError(type);
  return model;
}
