import { type DeviceSpec, slug, typeLabel } from "./device-spec.ts";

/** The types a mixed fleet uses unless told otherwise. */
export const defaultFleetTypes = ["smart-bulb", "thermostat", "camera", "sensor"] as const;

/**
 * One device: its id is `id`, else the name made into an id.
 *
 * @example
 * singleDevice("smart-bulb", "living-room-light"); // { id: "living-room-light", … }
 */
export function singleDevice(type: string, name: string, id?: string): DeviceSpec {
  return { id: id ?? slug(name), name, type, tags: ["simulated"] };
}

/**
 * `count` devices cycling through `types`: `<prefix>-<type>-<n>`, numbered per type.
 *
 * @example
 * mixedFleet(["smart-bulb", "camera"], 3, "sim").map((d) => d.id);
 * // ["sim-smart-bulb-1", "sim-camera-1", "sim-smart-bulb-2"]
 */
export function mixedFleet(types: readonly string[], count: number, prefix: string): DeviceSpec[] {
  const perType = new Map<string, number>();
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    const n = (perType.get(type) ?? 0) + 1;
    perType.set(type, n);
    return {
      id: `${prefix}-${type}-${n}`,
      name: `${typeLabel(type)} ${n}`,
      type,
      tags: ["simulated", prefix],
    };
  });
}

/**
 * A load-test fleet: `<prefix>-00001`… cycling through `types`, all reporting at the same
 * interval so together they make `rate` events per second.
 */
export function loadFleet(
  types: readonly string[],
  count: number,
  prefix: string,
  rate: number,
): DeviceSpec[] {
  const intervalMs = (count * 1000) / rate;
  const width = Math.max(5, String(count).length);
  return Array.from({ length: count }, (_, i) => {
    const type = types[i % types.length]!;
    return {
      id: `${prefix}-${String(i + 1).padStart(width, "0")}`,
      name: `${typeLabel(type)} ${i + 1} (load test)`,
      type,
      tags: ["load-test", prefix],
      intervalMs,
    };
  });
}
