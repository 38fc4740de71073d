import type { MetricSpec } from "../models/sensor.ts";

/** One device to simulate: who it is and what kind of device it plays. */
export interface DeviceSpec {
  /** Device id (1–64 letters, digits, `_`, `-`). */
  readonly id: string;
  /** Human name it registers with. */
  readonly name: string;
  /** A type of `deviceTypes`. */
  readonly type: string;
  readonly location?: string;
  readonly tags?: readonly string[];
  /** For `sensor`: the metrics it reports instead of the default ones. */
  readonly metrics?: readonly MetricSpec[];
  /** How often it reports; default: its model's. */
  readonly intervalMs?: number;
}

/** `living-room light` → `living-room-light`: a valid device id from a name. */
export function slug(text: string): string {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
  return s || "device";
}

/** `smart-bulb` → `Smart bulb`. */
export function typeLabel(type: string): string {
  const words = type.replace(/[-_]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
