import type { Rng } from "./rng.ts";

/** Where a random walk may go, and how far it moves per second (standard deviation). */
export interface WalkBounds {
  readonly min: number;
  readonly max: number;
  /** Standard deviation of one second's move. */
  readonly perSecond: number;
}

/**
 * One step of a random walk that stays within bounds: a normal move scaled by √seconds
 * (so the spread does not depend on how often it is stepped), reflected at the edges.
 *
 * @example
 * humidity = walk(humidity, { min: 30, max: 60, perSecond: 0.05 }, dtMs, rng);
 */
export function walk(value: number, b: WalkBounds, dtMs: number, rng: Rng): number {
  const moved = value + rng.normal(0, b.perSecond * Math.sqrt(Math.max(dtMs, 0) / 1000));
  return clamp(reflect(moved, b.min, b.max), b.min, b.max);
}

/**
 * Moves `value` toward `target` as a first-order lag with time constant `tauMs`: after
 * `tauMs` it has covered ~63% of the way. Never overshoots.
 */
export function approach(value: number, target: number, tauMs: number, dtMs: number): number {
  if (tauMs <= 0) return target;
  return target + (value - target) * Math.exp(-Math.max(dtMs, 0) / tauMs);
}

/**
 * A daily cycle: 1 at `peakHour` (UTC, fractional), -1 twelve hours later, a cosine between.
 *
 * @example
 * const outdoor = 12 + 6 * dailyCycle(at, 15); // warmest at 15:00 UTC
 */
export function dailyCycle(at: Date, peakHour: number): number {
  const hours = at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600;
  return Math.cos((2 * Math.PI * (hours - peakHour)) / 24);
}

/**
 * Probability that an event with rate `perHour` happens at least once in `dtMs`
 * (Poisson), so chances do not depend on the step size.
 */
export function chanceIn(perHour: number, dtMs: number): number {
  if (perHour <= 0 || dtMs <= 0) return 0;
  return 1 - Math.exp((-perHour * dtMs) / 3_600_000);
}

export function clamp(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x;
}

/** Rounds to `digits` decimals, as a device with a finite resolution would report. */
export function fixed(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function reflect(x: number, min: number, max: number): number {
  if (max <= min) return min;
  let v = x;
  // A big step may cross an edge more than once.
  for (let i = 0; i < 4 && (v < min || v > max); i++) {
    if (v < min) v = 2 * min - v;
    if (v > max) v = 2 * max - v;
  }
  return v;
}
